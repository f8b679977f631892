import { expect } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import type { AttackPath } from '../../../src/core/report.js';
import type { Resource } from '../../../src/core/resource.js';
import { decodeText } from '../../../src/ingest/decode.js';
import { DEFAULT_LIMITS } from '../../../src/ingest/limits.js';
import { findAttackPaths } from '../../../src/cli/paths.js';
import type { AttackPathAnalysis } from '../../../src/analyses/paths/index.js';

export { CRITICAL_CVE, image } from './estates.js';

/** The inventory of a hand-built estate written as YAML (JSON documents included). */
export function inventoryOf(text: string): Inventory {
  const sink = { resources: [] as Resource[], errors: [], notes: [], texts: new Map<string, string>() };
  decodeText(text, 'estate.yaml', DEFAULT_LIMITS, sink);
  expect(sink.errors).toEqual([]);
  return new Inventory(sink.resources);
}

export function pathsOf(text: string): AttackPathAnalysis {
  return findAttackPaths(inventoryOf(text));
}

/** A path as its node ids, entry first: what the tests compare against. */
export function route(p: AttackPath): string {
  return `${p.entryPoint}: ${p.nodes.map((n) => n.id).join(' → ')}`;
}
