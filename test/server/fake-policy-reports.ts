import type { FakeKubeRequest, FakeKubeResponse } from '../helpers/fake-kube.js';

type Json = Record<string, unknown>;

/**
 * The `wgpolicyk8s.io/v1alpha2` PolicyReport and ClusterPolicyReport resources as the API server
 * serves a CRD: create (409 when the name exists), get, replace (409 when the resourceVersion given is
 * stale), delete, and the list across namespaces with a label selector. Plugged into the fake
 * Kubernetes API server through its `intercept` option.
 */
export interface PolicyReportStore {
  intercept: (req: FakeKubeRequest) => FakeKubeResponse | undefined;
  /** Stored objects by `namespace/name` (`/name` for cluster-scoped reports). */
  objects: Map<string, Json>;
  /** Every write, as `VERB key`. */
  writes: string[];
}

const PREFIX = '/apis/wgpolicyk8s.io/v1alpha2/';

function status(code: number, reason: string, message: string): FakeKubeResponse {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

function labelsMatch(obj: Json, selector: string | null): boolean {
  if (!selector) return true;
  const labels = ((obj.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k !== undefined && labels[k] === v;
  });
}

export function policyReportStore(options: { forbid?: boolean } = {}): PolicyReportStore {
  const objects = new Map<string, Json>();
  const writes: string[] = [];
  let version = 5000;
  const intercept = (req: FakeKubeRequest): FakeKubeResponse | undefined => {
    if (!req.path.startsWith(PREFIX)) return undefined;
    if (options.forbid)
      return status(403, 'Forbidden', `policyreports.wgpolicyk8s.io is forbidden: User "system:serviceaccount:palisade:palisade" cannot ${req.method.toLowerCase()} resource "policyreports"`);
    const rest = req.path.slice(PREFIX.length).split('/');
    let namespace: string | undefined;
    if (rest[0] === 'namespaces') {
      namespace = rest[1];
      rest.splice(0, 2);
    }
    const [plural, name] = rest;
    const kind = plural === 'policyreports' ? 'PolicyReport' : plural === 'clusterpolicyreports' ? 'ClusterPolicyReport' : undefined;
    if (!kind || rest.length > 2) return status(404, 'NotFound', 'the server could not find the requested resource');
    if (kind === 'PolicyReport' && namespace === undefined && !(req.method === 'GET' && name === undefined)) return status(404, 'NotFound', 'the server could not find the requested resource');
    const key = (n: string) => `${namespace ?? ''}/${n}`;
    const body = req.body ? (JSON.parse(req.body) as Json) : {};
    const meta = (body.metadata ?? {}) as Json;
    if (req.method === 'GET' && name === undefined) {
      const items = [...objects.entries()]
        .filter(([k, o]) => o.kind === kind && (namespace === undefined || k.startsWith(`${namespace}/`)) && labelsMatch(o, req.query.get('labelSelector')))
        .map(([, o]) => o);
      return { status: 200, body: { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: `${kind}List`, metadata: { resourceVersion: String(version) }, items } };
    }
    if (req.method === 'POST' && name === undefined) {
      const n = String(meta.name ?? '');
      if (objects.has(key(n))) return status(409, 'AlreadyExists', `${plural}.wgpolicyk8s.io "${n}" already exists`);
      const stored = { ...body, metadata: { ...meta, ...(namespace !== undefined ? { namespace } : {}), resourceVersion: String(++version), uid: `uid-${version}` } };
      objects.set(key(n), stored);
      writes.push(`create ${key(n)}`);
      return { status: 201, body: stored };
    }
    if (name === undefined) return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const existing = objects.get(key(name));
    if (!existing) return status(404, 'NotFound', `${plural}.wgpolicyk8s.io "${name}" not found`);
    if (req.method === 'GET') return { status: 200, body: existing };
    if (req.method === 'PUT') {
      const current = (existing.metadata as Json).resourceVersion;
      if (meta.resourceVersion !== undefined && meta.resourceVersion !== current)
        return status(409, 'Conflict', `Operation cannot be fulfilled on ${plural}.wgpolicyk8s.io "${name}": the object has been modified`);
      const stored = { ...body, metadata: { ...meta, resourceVersion: String(++version), uid: (existing.metadata as Json).uid } };
      objects.set(key(name), stored);
      writes.push(`replace ${key(name)}`);
      return { status: 200, body: stored };
    }
    if (req.method === 'DELETE') {
      objects.delete(key(name));
      writes.push(`delete ${key(name)}`);
      return { status: 200, body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
    }
    return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  };
  return { intercept, objects, writes };
}
