/**
 * Text from manifests can hold control characters (an ANSI escape in a resource name would rewrite
 * the reader's terminal): show them as `\u001b` instead of passing them through.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
