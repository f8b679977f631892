/**
 * The merged filesystem of an image as its layers are applied one after another: a tree of directories,
 * files, symlinks and hard links, with whiteouts (`.wh.<name>`) and opaque directories (`.wh..wh..opq`)
 * hiding what lower layers put there. Files carry their content only when someone asked for it; everything
 * else is metadata. Paths never leave the root: `..` and symlinks that would climb above it are refused.
 */

export interface FileOrigin {
  /** Layer index the bytes are in, and the entry's normalised name there (for re-reading). */
  layer: number;
  name: string;
}

export interface DirNode {
  kind: 'dir';
  layer: number;
  children: Map<string, Node>;
}
export interface FileNode {
  kind: 'file';
  layer: number;
  size: number;
  mode: number;
  origin: FileOrigin;
  content?: Buffer;
  /** Whether the file selector asked for this path itself (not only as a link's target). */
  wanted?: boolean;
}
export interface SymlinkNode {
  kind: 'symlink';
  layer: number;
  target: string;
}
export type Node = DirNode | FileNode | SymlinkNode;

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE = '.wh..wh..opq';

/** `./a//b/../c` → `a/c`; undefined when `..` climbs above the root. Leading `/` is dropped (absolute = from the root). */
export function normalizePath(name: string): string | undefined {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

export type Lookup =
  | { ok: true; node: Node | undefined; path: string; parent: DirNode | undefined; name: string }
  | { ok: false; reason: string };

export class LayeredFilesystem {
  readonly root: DirNode = { kind: 'dir', layer: -1, children: new Map() };

  constructor(private readonly maxHops = 40) {}

  /**
   * Walks a path from the root, following symlinks in every component but the last (and the last too when
   * `followLast`). Absolute link targets restart at the image root; a `..` above the root is refused.
   */
  lookup(path: string, followLast: boolean): Lookup {
    const queue = path.split('/').filter((p) => p !== '' && p !== '.');
    const names: string[] = [];
    const dirs: DirNode[] = [this.root];
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (part === '..') {
        if (names.length === 0) return { ok: false, reason: `${path} leads outside the image root` };
        names.pop();
        dirs.pop();
        continue;
      }
      const dir = dirs[dirs.length - 1] as DirNode;
      const child = dir.children.get(part);
      const last = queue.length === 0;
      if (child?.kind === 'symlink' && (!last || followLast)) {
        if (++hops > this.maxHops) return { ok: false, reason: `${path}: more than ${this.maxHops} symlinks (a loop?)` };
        if (child.target.startsWith('/')) {
          names.length = 0;
          dirs.length = 1;
        }
        queue.unshift(...child.target.split('/').filter((p) => p !== '' && p !== '.'));
        continue;
      }
      if (last) return { ok: true, node: child, path: [...names, part].join('/'), parent: dir, name: part };
      if (!child) return { ok: true, node: undefined, path: [...names, part, ...queue].join('/'), parent: undefined, name: queue[queue.length - 1] ?? part };
      if (child.kind !== 'dir') return { ok: false, reason: `${path}: ${[...names, part].join('/')} is not a directory` };
      names.push(part);
      dirs.push(child);
    }
    return { ok: true, node: this.root, path: '', parent: undefined, name: '' };
  }

  /** The directory for `path`, created (and marked as touched by `layer`) along the way; a string says why not. */
  private ensureDir(path: string, layer: number): DirNode | string {
    let dir = this.root;
    let hops = 0;
    const queue = path === '' ? [] : path.split('/');
    const seen: string[] = [];
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (part === '..') {
        // Only reachable through a symlink target; rewalk from the root.
        if (seen.length === 0) return `${path} leads outside the image root`;
        seen.pop();
        queue.unshift(...seen.splice(0));
        dir = this.root;
        continue;
      }
      if (part === '' || part === '.') continue;
      let child = dir.children.get(part);
      if (child?.kind === 'symlink') {
        if (++hops > this.maxHops) return `${path}: more than ${this.maxHops} symlinks (a loop?)`;
        const target = child.target.split('/').filter((p) => p !== '' && p !== '.');
        if (child.target.startsWith('/')) {
          dir = this.root;
          seen.length = 0;
        }
        queue.unshift(...target);
        continue;
      }
      if (!child || child.kind !== 'dir') {
        child = { kind: 'dir', layer, children: new Map() };
        dir.children.set(part, child);
      } else if (child.layer < layer) child.layer = layer;
      seen.push(part);
      dir = child;
    }
    return dir;
  }

  private split(path: string): [string, string] {
    const slash = path.lastIndexOf('/');
    return slash < 0 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)];
  }

  /** Puts a node at `path` (its parent directories created); a string says why it was refused. */
  put(path: string, node: Node): string | undefined {
    const [dirPath, name] = this.split(path);
    const dir = this.ensureDir(dirPath, node.layer);
    if (typeof dir === 'string') return dir;
    const existing = dir.children.get(name);
    if (node.kind === 'dir' && existing?.kind === 'dir') {
      existing.layer = node.layer;
      return undefined;
    }
    dir.children.set(name, node);
    return undefined;
  }

  /** Removes what lower layers put under `dir`, keeping what `layer` itself wrote. */
  private prune(dir: DirNode, layer: number): void {
    for (const [name, child] of dir.children) {
      if (child.layer < layer) dir.children.delete(name);
      else if (child.kind === 'dir') this.prune(child, layer);
    }
  }

  /** `.wh.<name>` in `dirPath`: hides `<name>` from lower layers. */
  whiteout(dirPath: string, name: string, layer: number): string | undefined {
    const dir = this.ensureDir(dirPath, layer);
    if (typeof dir === 'string') return dir;
    const child = dir.children.get(name);
    if (!child) return undefined;
    if (child.layer < layer) dir.children.delete(name);
    else if (child.kind === 'dir') this.prune(child, layer);
    return undefined;
  }

  /** `.wh..wh..opq` in `dirPath`: hides everything lower layers put in it. */
  opaque(dirPath: string, layer: number): string | undefined {
    const dir = this.ensureDir(dirPath, layer);
    if (typeof dir === 'string') return dir;
    this.prune(dir, layer);
    return undefined;
  }

  /** Every node with its path, depth first, children in name order. */
  *walk(dir: DirNode = this.root, prefix = ''): Generator<[string, Node]> {
    for (const name of [...dir.children.keys()].sort()) {
      const child = dir.children.get(name) as Node;
      const path = prefix ? `${prefix}/${name}` : name;
      yield [path, child];
      if (child.kind === 'dir') yield* this.walk(child, path);
    }
  }
}
