/** Where a resource came from: the file as given (or `-` for stdin) and the 1-based line of its document. */
export interface Provenance {
  file: string;
  line: number;
  /** Where the object sits inside its document, when it is not the document itself (`items[3]` of a List). */
  path?: string;
  /**
   * The field of that object the location points at, when it is not the finding's own `field` because the
   * object is another one: a vulnerability of an image is shown at the `image` field of the first workload
   * that runs it (the image itself has no file in the repository).
   */
  field?: string;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
}

/** A plain JSON-like object as decoded from YAML or JSON. */
export type Obj = Record<string, unknown>;

/**
 * One Kubernetes (or Azure) object with its provenance. `namespace` is what the manifest says:
 * null when absent, because a manifest without a namespace lands wherever it is applied.
 */
export interface Resource extends ResourceRef {
  readonly object: Obj;
  readonly source: Provenance;
  /**
   * The input format, for objects that are not plain Kubernetes manifests: `arm-rest`, `az-cli`,
   * `arm-template`, `terraform-plan`, `terraform-hcl`. Absent for Kubernetes objects.
   */
  readonly format?: string;
  /**
   * Fields whose values are not written in the object but taken from elsewhere in its source (a
   * Terraform variable's default, a variables file), each with where from: findings on them say so.
   */
  readonly valueSources?: Readonly<Record<string, string>>;
  /**
   * For a resource of a Terraform module that another calls (`module "aks" { source = "../modules/aks" }`):
   * the call's address (`module.aks`, also the start of `name`) and the directory of the root module
   * it is part of. Two environments calling one module are two instances, with values of their own,
   * each linked only to the resources of its own root.
   */
  readonly origin?: {
    readonly module: string;
    readonly root: string;
    /** The root's directory from the module's (`../../envs/prod`): names the instance whatever directory the scan ran in. */
    readonly instance: string;
  };
}

/**
 * Where the value at `field` came from, by a resource's `valueSources`: the source of the field, of a
 * value it is part of (an item of a list variable), or of the values it holds (a list with one item
 * from a variable), joined. A block written as one object (`.tf.json`) and as a list of one (`[0]`)
 * are the same path.
 */
export function valueSourceOf(sources: Readonly<Record<string, string>>, field: string): string | undefined {
  const at = withoutFirstItems(field);
  const found = new Set<string>();
  for (const [path, from] of Object.entries(sources)) {
    const p = withoutFirstItems(path);
    if (p === at || within(at, p) || within(p, at)) found.add(from);
  }
  return found.size ? [...found].join('; ') : undefined;
}

/** The path with the `[0]` of each block (an index followed by more path) left out. */
function withoutFirstItems(path: string): string {
  return path.includes('[0].') ? path.replace(/\[0\](?=\.)/g, '') : path;
}

/** Whether `path` is below `parent` (`a.b[2]` and `a.b.c` are below `a.b`). */
function within(path: string, parent: string): boolean {
  const next = path.charAt(parent.length);
  return path.startsWith(parent) && (next === '.' || next === '[');
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Sets an own, enumerable data property, even for `__proto__`: an assignment with that key from the
 * input would reach the object's prototype instead.
 */
export function setOwn(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

export function refOf(r: ResourceRef): ResourceRef {
  return { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name };
}

/** `ns/Kind/name` (cluster-scoped and namespace-less objects use `-` for the namespace): the form exceptions match. */
export function refKey(r: ResourceRef): string {
  return `${r.namespace ?? '-'}/${r.kind}/${r.name}`;
}

/** Builds a Resource from a decoded object, or undefined when it is not a Kubernetes-shaped object. */
export function toResource(object: unknown, source: Provenance): Resource | undefined {
  if (!isObj(object)) return undefined;
  const apiVersion = object.apiVersion;
  const kind = object.kind;
  if (typeof kind !== 'string' || kind === '' || typeof apiVersion !== 'string' || apiVersion === '') return undefined;
  const meta = asObj(object.metadata);
  const name = asString(meta?.name) ?? asString(meta?.generateName) ?? '';
  const namespace = asString(meta?.namespace) ?? null;
  return { apiVersion, kind, namespace, name, object, source };
}
