import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../src/core/resource.js';
import type { RuleSettings } from '../src/core/settings.js';
import { splitDocuments } from '../src/ingest/documents.js';
import { CORPUS_DIR, loadResources, readIndex, type SuiteResult } from './corpus.js';
import { flaggedBy, scanResources } from './evaluate.js';

interface KubescapeCase {
  path: string;
  ruleFolder: string;
  controlIds: string[];
  inputFiles: string[];
  failingResources: Array<{ kind: string; name: string }>;
  passingResources: Array<{ kind: string; name: string }>;
  configOverrides?: { postureControlInputs?: Record<string, unknown> };
}

type PostureInputs = Record<string, unknown>;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Upstream's configuration for one case: `settings.postureControlInputs` of the default config,
 * each key replaced by the case's own `postureControlInputs` when it sets it.
 */
function caseInputs(defaults: PostureInputs, c: KubescapeCase): PostureInputs {
  return { ...defaults, ...(c.configOverrides?.postureControlInputs ?? {}) };
}

/**
 * The inputs whose meaning Palisade has a setting for. Others have none: insecureCapabilities,
 * sensitiveKeyNames/sensitiveValues (and their *Allowed lists) and the cpu_/memory_ bounds are fixed
 * in Palisade's rules, and dataControlInputs.cloudProvider has no counterpart.
 */
function settingsFor(inputs: PostureInputs): Partial<RuleSettings> {
  const settings: Partial<RuleSettings> = {};
  // floatingImageTags: tags the pull-policy rule treats like latest, compared whole and case-sensitively;
  // latest (and no tag) is floating upstream whatever the list says, as it is for mutableTags. Tags
  // cannot contain * or ?, so no upstream entry turns into a wildcard.
  settings.mutableTags = ['latest', ...strings(inputs.floatingImageTags)];
  // imageDigestExemptRepositories: an image is exempt when its reference, as written, is the entry or
  // continues it after '/', ':' or '@'. digestExemptImages globs are matched against the name as written
  // (tag and digest removed), so P, P/* and P:* cover the same references: P:tag and P@digest have the
  // name P, P/... and a registry port P:5000/... keep their prefix. Two differences remain: Palisade
  // also matches the short and fully qualified forms of the name (docker.io/library/nginx for nginx),
  // which upstream's string comparison does not, and an entry naming one tag (nginx:1.25) exempts that
  // tag upstream but nothing here.
  settings.digestExemptImages = strings(inputs.imageDigestExemptRepositories).flatMap((p) => [p, `${p}/*`, `${p}:*`]);
  // imageRepositoryAllowList is not mapped: no case in the corpus reads it (its repository prefixes
  // would map onto trustedRegistries' `host/path/*` entries).
  return settings;
}

/** Kubescape's runner decodes only the first document of each input file; do the same. */
function firstDocument(file: string): Resource[] {
  const text = readFileSync(file, 'utf8');
  const first = file.endsWith('.json') ? undefined : splitDocuments(text)[0];
  if (first && splitDocuments(text).length > 1) {
    const { resources } = loadResources(file);
    return resources.slice(0, 1);
  }
  return loadResources(file).resources;
}

/**
 * Kubescape regolibrary cases, matched by the case's primary control id: every failing resource
 * must carry a Palisade finding cross-referenced to that control, and no passing resource may.
 */
export function runKubescape(): SuiteResult {
  const index = readIndex<{ defaultConfig: string; cases: KubescapeCase[] }>('kubescape');
  const result: SuiteResult = { suite: 'kubescape', total: 0, agreed: 0, misses: [], notes: [] };
  const defaults = (JSON.parse(readFileSync(join(CORPUS_DIR, 'kubescape', index.defaultConfig), 'utf8')) as { settings?: { postureControlInputs?: PostureInputs } })
    .settings?.postureControlInputs ?? {};
  const byControl = new Map<string, [number, number]>();
  for (const c of index.cases) {
    const control = c.controlIds[0] as string;
    const resources = c.inputFiles.flatMap((f) => firstDocument(join(CORPUS_DIR, 'kubescape', c.path, f)));
    const settings = settingsFor(caseInputs(defaults, c));
    const flagged = flaggedBy(scanResources(resources, { settings }), 'kubescape', control);
    const missed = c.failingResources.map((r) => `${r.kind}/${r.name}`).filter((k) => !flagged.has(k));
    const extra = c.passingResources.map((r) => `${r.kind}/${r.name}`).filter((k) => flagged.has(k));
    result.total++;
    const g = byControl.get(control) ?? [0, 0];
    g[1]++;
    byControl.set(control, g);
    if (missed.length === 0 && extra.length === 0) {
      result.agreed++;
      g[0]++;
    } else {
      result.misses.push(`${c.path} (${control}): ${missed.length ? `not flagged ${missed.join(', ')}` : ''}${missed.length && extra.length ? '; ' : ''}${extra.length ? `wrongly flagged ${extra.join(', ')}` : ''}`);
    }
  }
  result.notes.push(
    [...byControl].sort().map(([id, [a, t]]) => `${id} ${a}/${t}`).join(', '),
  );
  return result;
}
