import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inventory } from '../src/core/inventory.js';
import { ingestPaths } from '../src/ingest/files.js';
import { connectionLine, txtLine } from '../src/analyses/network/connlist.js';
import { ReachabilityModel } from '../src/analyses/network/reachability-model.js';
import { ExposureAnalysis } from '../src/analyses/network/exposure.js';
import { exposureSection } from '../src/analyses/network/exposure-report.js';
import { CORPUS_DIR, readIndex, type SuiteResult } from './corpus.js';

export const NETPOL_CORPUS = 'netpol';

interface Scenario {
  name: string;
  category: string;
  inputDir: string;
  expected: Array<{ file: string; format: string }>;
}

/** Palisade does not model ingress controllers, so these pseudo-peer lines are left out on both sides. */
const INGRESS_CONTROLLER = '{ingress-controller}';

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

async function connlistOf(dir: string): Promise<{ lines: string[]; errors: string[] }> {
  const ingest = await ingestPaths([dir]);
  const model = new ReachabilityModel(new Inventory(ingest.resources));
  return {
    lines: [...model.connections()].map((c) => txtLine(connectionLine(c))),
    errors: [...ingest.errors.map((e) => `${e.source}: ${e.message}`), ...model.problems.map((p) => `${p.policy.namespace}/${p.policy.name}: ${p.message}`)],
  };
}

function diff(want: readonly string[], got: readonly string[]): { missing: string[]; extra: string[] } {
  const w = new Set(want);
  const g = new Set(got);
  return { missing: want.filter((l) => !g.has(l)), extra: got.filter((l) => !w.has(l)) };
}

function describeMiss(name: string, missing: readonly string[], extra: readonly string[]): string {
  const show = (label: string, xs: readonly string[]) => (xs.length ? `\n      ${label} ${xs.length}: ${xs.slice(0, 6).join('\n        ')}${xs.length > 6 ? `\n        ... ${xs.length - 6} more` : ''}` : '');
  return `${name}: ${missing.length} expected lines missing, ${extra.length} unexpected${show('missing', missing)}${show('unexpected', extra)}`;
}

/**
 * netpol-analyzer's connectivity lists (np-guard): for every `core-netpol` scenario with a
 * connlist txt, the whole scenario folder is one cluster snapshot, and Palisade's `netpol reach`
 * lines must equal the expected ones as a set. The connlist part of the `core-netpol-exposure`
 * scenarios is compared too, as a note; ANP/BANP scenarios are out of scope.
 */
export async function runNetpol(): Promise<SuiteResult> {
  const index = readIndex<{ scenarios: Scenario[] }>(NETPOL_CORPUS);
  const result: SuiteResult = { suite: 'netpol', total: 0, agreed: 0, misses: [], notes: [] };
  let droppedLines = 0;
  const droppedIn: string[] = [];
  let exposureTotal = 0;
  let exposureAgreed = 0;
  const exposureMisses: string[] = [];
  for (const s of index.scenarios) {
    const dir = join(CORPUS_DIR, NETPOL_CORPUS, s.inputDir);
    if (s.category === 'core-netpol') {
      const expected = s.expected.find((e) => e.format === 'connlist-txt');
      if (!expected) continue;
      const all = lines(readFileSync(join(CORPUS_DIR, NETPOL_CORPUS, expected.file), 'utf8'));
      const want = all.filter((l) => !l.startsWith(INGRESS_CONTROLLER));
      if (want.length < all.length) {
        droppedLines += all.length - want.length;
        droppedIn.push(s.name);
      }
      const got = await connlistOf(dir);
      result.total++;
      const { missing, extra } = diff(want, got.lines.filter((l) => !l.startsWith(INGRESS_CONTROLLER)));
      if (missing.length === 0 && extra.length === 0) result.agreed++;
      else result.misses.push(describeMiss(s.name, missing, extra) + (got.errors.length ? `\n      problems: ${got.errors.slice(0, 3).join('; ')}` : ''));
    } else if (s.category === 'core-netpol-exposure') {
      const expected = s.expected.find((e) => e.format === 'exposure-txt');
      if (!expected) continue;
      // The exposure txt starts with the connlist lines, then a blank line and the exposure report.
      const text = readFileSync(join(CORPUS_DIR, NETPOL_CORPUS, expected.file), 'utf8');
      const want = lines(text.split(/\r?\n\s*\r?\nExposure Analysis Result:/)[0] ?? '').filter((l) => l.includes(' => ') && !l.startsWith(INGRESS_CONTROLLER));
      const got = await connlistOf(dir);
      exposureTotal++;
      const { missing, extra } = diff(want, got.lines);
      if (missing.length === 0 && extra.length === 0) exposureAgreed++;
      else exposureMisses.push(describeMiss(s.name, missing, extra));
    }
  }
  const anp = index.scenarios.filter((s) => s.category === 'anp-banp').length;
  result.notes.push(
    `ingress controllers are not modelled: ${droppedLines} {ingress-controller} lines left out of the expected lists (${droppedIn.join(', ') || 'none'})`,
    `connlist part of the exposure scenarios (not counted): ${exposureAgreed}/${exposureTotal}`,
    ...exposureMisses.map((m) => `exposure miss: ${m}`),
    `${anp} AdminNetworkPolicy/BaselineAdminNetworkPolicy scenarios not compared (not modelled)`,
  );
  return result;
}

const EXPOSURE_HEADER = 'Exposure Analysis Result:';

/**
 * netpol-analyzer's exposure analysis (`list --exposure`): for every scenario outside the
 * AdminNetworkPolicy category with an exposure txt, the exposure section Palisade's
 * `netpol exposure -f txt` writes must equal the expected one byte for byte (padding, tabs, order).
 * The connection list above it is compared by the netpol suite.
 */
export async function runNetpolExposure(): Promise<SuiteResult> {
  const index = readIndex<{ scenarios: Scenario[] }>(NETPOL_CORPUS);
  const result: SuiteResult = { suite: 'netpol-exposure', total: 0, agreed: 0, misses: [], notes: [] };
  let skipped = 0;
  for (const s of index.scenarios) {
    const expected = s.expected.find((e) => e.format === 'exposure-txt');
    if (!expected) continue;
    if (s.category === 'anp-banp') {
      skipped++;
      continue;
    }
    const text = readFileSync(join(CORPUS_DIR, NETPOL_CORPUS, expected.file), 'utf8').replace(/\r\n/g, '\n');
    const at = text.indexOf(EXPOSURE_HEADER);
    const want = at < 0 ? '' : text.slice(at).trimEnd();
    const ingest = await ingestPaths([join(CORPUS_DIR, NETPOL_CORPUS, s.inputDir)]);
    const inventory = new Inventory(ingest.resources);
    const got = exposureSection(new ExposureAnalysis(inventory, new ReachabilityModel(inventory))).trimEnd();
    result.total++;
    if (got === want) {
      result.agreed++;
      continue;
    }
    const { missing, extra } = diff(want.split('\n'), got.split('\n'));
    result.misses.push(describeMiss(s.name, missing, extra));
  }
  result.notes.push(`${skipped} AdminNetworkPolicy/BaselineAdminNetworkPolicy scenarios with exposure output not compared (not modelled)`);
  return result;
}
