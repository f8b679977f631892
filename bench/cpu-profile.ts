import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that a self-time summary needs. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: SelfTime[];
  areas: SelfTime[];
}

// A build of src/ that a benchmark compiled (compiled.ts) is reported as the sources it came from.
const BUILT = /^\.bench-tmp\/dist-[^/]+\//;

function where(url: string, root: string): string {
  if (!url) return '';
  if (url.startsWith('file://')) return relative(root, fileURLToPath(url)).replace(BUILT, 'src/');
  return url;
}

/** Which part of the program a file belongs to, for the coarse split. */
function area(file: string, functionName: string): string {
  if (!file) return functionName.startsWith('(') ? functionName : '(native)';
  if (file.includes('node_modules/js-yaml')) return 'js-yaml';
  if (file.includes('node_modules/yaml/')) return 'yaml (positions)';
  if (file.includes('node_modules/')) return 'other dependencies';
  if (file.startsWith('node:')) return 'node internals';
  const m = /^src\/([^/]+)(?:\/([^/]+))?/.exec(file);
  if (m) return m[1] === 'rules' ? `src/rules/${m[2] ?? ''}` : `src/${m[1]}`;
  return file.split('/')[0] ?? file;
}

/** Self time per function and per area, from the samples (time deltas, not hit counts). */
export function summarizeProfile(path: string, root: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fnTime = new Map<string, number>();
  const areaTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) return;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = where(url, root);
    // tsx hands V8 transformed TypeScript, so line numbers of .ts files do not match the source.
    const at = file.endsWith('.ts') ? file : `${file}:${lineNumber + 1}`;
    const key = file ? `${functionName || '(anonymous)'}  ${at}` : functionName || '(anonymous)';
    fnTime.set(key, (fnTime.get(key) ?? 0) + dt);
    const a = area(file, functionName);
    areaTime.set(a, (areaTime.get(a) ?? 0) + dt);
  });
  const rank = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: total ? ms / total : 0 }));
  return { totalMs: Math.round(total), functions: rank(fnTime, top), areas: rank(areaTime, 12) };
}
