/**
 * Marks a value that cannot be decided offline (a template parameter without default, a reference()
 * to a live resource, a Terraform value known only after apply): `{ [UNKNOWN_KEY]: "why" }` stands
 * in place of the value.
 */
export const UNKNOWN_KEY = '$palisadeUnknown';

export type UnknownMarker = { [UNKNOWN_KEY]: string };

export function unknownMarker(reason: string): UnknownMarker {
  return { [UNKNOWN_KEY]: reason };
}
