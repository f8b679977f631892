import { loadAll } from 'js-yaml';
import { Inventory } from '../../../src/core/inventory.js';
import { toResource, type Resource } from '../../../src/core/resource.js';
import { PermissionIndex, subjectLabel, type Grant } from '../../../src/analyses/rbac/permission-index.js';

export function resourcesOf(yaml: string, file = 'test.yaml'): Resource[] {
  const out: Resource[] = [];
  for (const doc of loadAll(yaml)) {
    const items = (doc as { kind?: string; items?: unknown[] } | null)?.kind === 'List' ? ((doc as { items?: unknown[] }).items ?? []) : [doc];
    for (const item of items) {
      const r = toResource(item, { file, line: 1 });
      if (r) out.push(r);
    }
  }
  return out;
}

export function indexOf(yaml: string): PermissionIndex {
  return new PermissionIndex(new Inventory(resourcesOf(yaml)));
}

/** `Kind:name@scope` per grant, sorted: easy to compare against a hand-written list. */
export function who(grants: readonly Grant[]): string[] {
  return grants.map((g) => `${subjectLabel(g.subject)}@${g.scope}`).sort();
}
