import * as k8s from '@kubernetes/client-node';

/**
 * Fields whose JSON type the API server refuses to decode (a string where the API type has a list, a
 * number where it has a string, ...), read off the Kubernetes API types that @kubernetes/client-node
 * generates. Such an object never reaches an admission policy, so comparing a policy's verdict on it
 * with a scan's says nothing; the tests list these objects instead. Unknown fields are not errors: the
 * API server drops them.
 */

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}

const MODELS = k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attribute[] } | undefined>;

/** The API type of each pod-bearing kind. */
export const KIND_TYPES: Record<string, string> = {
  Pod: 'V1Pod',
  Deployment: 'V1Deployment',
  ReplicaSet: 'V1ReplicaSet',
  StatefulSet: 'V1StatefulSet',
  DaemonSet: 'V1DaemonSet',
  Job: 'V1Job',
  CronJob: 'V1CronJob',
  ReplicationController: 'V1ReplicationController',
};

// Resource quantities decode from numbers as well as strings.
const QUANTITY_MAPS = new Set(['limits', 'requests', 'capacity']);

function check(value: unknown, type: string, format: string, path: string, name: string, out: string[], strict = false): void {
  if (value === null || value === undefined || type === 'any') return;
  const bad = (want: string): void => void out.push(`${path || '(object)'}: ${want} expected, ${Array.isArray(value) ? 'list' : typeof value} found`);
  const list = /^Array<(.+)>$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) return bad('a list');
    value.forEach((v, i) => check(v, list[1] as string, format, `${path}[${i}]`, name, out, strict));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return bad('a map');
    for (const [k, v] of Object.entries(value)) {
      if (QUANTITY_MAPS.has(name) && typeof v === 'number') continue;
      check(v, map[1] as string, '', `${path}.${k}`, name, out, strict);
    }
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') bad('a string');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') bad('a boolean');
      return;
    case 'number':
      if (typeof value !== 'number' || (format.startsWith('int') && !Number.isInteger(value))) bad(format.startsWith('int') ? 'an integer' : 'a number');
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) bad('an integer or a string');
      return;
    case 'Date':
      if (typeof value !== 'string' && !(value instanceof Date)) bad('a timestamp');
      return;
  }
  const model = MODELS[type]?.getAttributeTypeMap?.();
  if (!model) return;
  if (typeof value !== 'object' || Array.isArray(value)) return bad('an object');
  for (const attr of model) {
    const v = (value as Record<string, unknown>)[attr.baseName];
    check(v, attr.type, attr.format, path ? `${path}.${attr.baseName}` : attr.baseName, attr.baseName, out, strict);
  }
  if (strict)
    for (const key of Object.keys(value)) if (!model.some((a) => a.baseName === key)) out.push(`${path ? `${path}.` : ''}${key}: not a field of ${type}`);
}

/**
 * What the API server (with strict field validation) would refuse in an object of the given API type
 * (`V1ValidatingAdmissionPolicy`): fields of the wrong type and fields the type does not have.
 */
export function strictTypeErrors(type: string, object: unknown): string[] {
  if (!MODELS[type]?.getAttributeTypeMap) throw new Error(`no API type ${type}`);
  const out: string[] = [];
  check(object, type, '', '', '', out, true);
  return out;
}

/** The fields of a pod-bearing object that the API server would not decode; empty for a well-typed object. */
export function apiTypeErrors(kind: string, object: unknown): string[] {
  const type = KIND_TYPES[kind];
  if (!type) return [];
  const out: string[] = [];
  check(object, type, '', '', '', out);
  return out;
}
