import type { Finding } from '../core/finding.js';
import { pathCount, type Report } from '../core/report.js';
import { PILLARS, SEVERITIES } from '../core/severity.js';
import { activeFindings, errorLabel, pathFixLine, pathsLine, pathTitle, reportScore, ruleLookup, suppressedLine } from './common.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { PATHS_SCRIPT, PATHS_STYLE } from './html-paths.js';
import type { RenderOptions } from './options.js';

/**
 * The report's data as the page reads it. Findings are rows of indexes into shared tables (rules,
 * resources, files), because a large report repeats the same rule text and resource on thousands of
 * findings and the file has to stay small enough to attach to a ticket.
 */
export interface HtmlData {
  version: string;
  generatedAt: string;
  /** The score is null when nothing was checked, or input errors left part of it unchecked (see reportScore). */
  summary: Omit<Report['summary'], 'score'> & { score: number | null };
  suppressed: string;
  baseline: { file: string; new: number; existing: number; fixed: number } | null;
  errors: [string, string][];
  notes: [string, string][];
  severities: readonly string[];
  pillars: readonly string[];
  /** [id, title, remediation] */
  rules: [string, string, string][];
  /** Distinct framework lists as `pss:privileged, cis-aks:4.2.1`: each finding carries its own. */
  frameworks: string[];
  /** [kind, namespace ('' when none), name] */
  resources: [string, string, string][];
  files: string[];
  /** Distinct evidence objects: most rules observe the same few values across an estate. */
  evidence: unknown[];
  /** Distinct field paths. */
  fields: string[];
  /**
   * [rule, severity, pillar, resource, file (-1 when none), line, message, evidence, verify ('' when
   * none), baseline (0 none, 1 new, 2 existing), container, field (-1 when none), frameworks], indexes
   * into the tables above.
   */
  findings: [number, number, number, number, number, number, string, number, string, number, string, number, number][];
  /**
   * Present when the report carries attack paths: [id, severity, score, entry → target, steps, fix
   * ('' when none), also from], each step [text, to, rule ('' when none), findings as indexes into
   * `findings`].
   */
  paths?: [string, number, number, string, [string, string, string, number[]][], string, string[]][];
  /** `15 attack paths: 2 critical, …`, with `paths`. */
  pathsLine?: string;
  /** Index into `findings` → how many paths the finding is on, with `paths`. */
  onPaths?: Record<string, number>;
}

function indexer<K>(): { index: (key: K, make: () => void) => number } {
  const map = new Map<K, number>();
  return {
    index(key, make) {
      let i = map.get(key);
      if (i === undefined) {
        i = map.size;
        map.set(key, i);
        make();
      }
      return i;
    },
  };
}

type HtmlHead = Omit<HtmlData, 'findings' | 'paths' | 'pathsLine' | 'onPaths'>;
type HtmlTail = Pick<HtmlData, 'paths' | 'pathsLine' | 'onPaths'>;
type HtmlRow = HtmlData['findings'][number];

/**
 * The page's data, planned in one pass over the findings: the shared tables are complete, and each
 * finding keeps only its five table indexes, so the rows can be written one batch at a time. A 50k-
 * resource estate has some 200k findings; holding all their rows as arrays, the JSON of them and the
 * page at once took over a gigabyte.
 */
interface HtmlPlan {
  head: HtmlHead;
  ordered: readonly Finding[];
  /** Per finding of `ordered`: rule, resource, file, evidence and field indexes (-1 for none). */
  codes: Int32Array;
  tail: HtmlTail;
}

const CODES = 6;

function planHtml(report: Report, options: RenderOptions): HtmlPlan {
  const meta = ruleLookup(options.rules);
  const head: HtmlHead = {
    version: report.tool.version,
    generatedAt: report.generatedAt,
    summary: { ...report.summary, score: reportScore(report) ?? null },
    suppressed: suppressedLine(report.findings),
    baseline: report.baseline
      ? { file: report.baseline.file, new: report.baseline.new, existing: report.baseline.existing, fixed: report.baseline.fixed.length }
      : null,
    errors: report.errors.map((e) => [errorLabel(e), e.message]),
    notes: report.notes.map((n) => [errorLabel(n), n.message]),
    severities: SEVERITIES,
    pillars: PILLARS,
    rules: [],
    frameworks: [],
    resources: [],
    files: [],
    evidence: [],
    fields: [],
  };
  const rules = indexer<string>();
  const resources = indexer<string>();
  const files = indexer<string>();
  const evidence = indexer<string>();
  const fields = indexer<string>();
  const frameworks = indexer<string>();
  const active = activeFindings(report);
  // Findings on more paths first (a stable sort): the page sorts by severity, ties in data order.
  const ordered = report.paths ? active.map((f, i) => ({ f, i, n: pathCount(f) })).sort((a, b) => b.n - a.n || a.i - b.i).map((x) => x.f) : active;
  const codes = new Int32Array(ordered.length * CODES);
  ordered.forEach((f, k) => {
    const r = f.resource;
    const at = k * CODES;
    codes[at] = rules.index(f.rule, () => {
      const m = meta(f);
      head.rules.push([f.rule, m.title, f.remediation]);
    });
    const refs = f.frameworks.map((ref) => `${ref.framework}:${ref.id}`).join(', ');
    codes[at + 5] = frameworks.index(refs, () => head.frameworks.push(refs));
    codes[at + 1] = resources.index(`${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`, () => head.resources.push([r.kind, r.namespace ?? '', r.name]));
    codes[at + 2] = f.location ? files.index(f.location.file, () => head.files.push(f.location!.file)) : -1;
    codes[at + 3] = evidence.index(JSON.stringify(f.evidence), () => head.evidence.push(f.evidence));
    codes[at + 4] = f.field !== undefined ? fields.index(f.field, () => head.fields.push(f.field!)) : -1;
  });
  return { head, ordered, codes, tail: report.paths ? pathsData(report.paths, ordered) : {} };
}

function pathsData(paths: NonNullable<Report['paths']>, ordered: readonly Finding[]): HtmlTail {
  const position = new Map<string, number>();
  ordered.forEach((f, k) => position.set(f.id, k));
  const onPaths: Record<string, number> = {};
  for (const f of ordered) {
    const n = pathCount(f);
    if (n > 0) onPaths[String(position.get(f.id))] = n;
  }
  return {
    pathsLine: pathsLine(paths),
    onPaths,
    paths: paths.map((p) => [
      p.id,
      SEVERITIES.indexOf(p.severity),
      p.score,
      pathTitle(p),
      p.steps.map((s, j): [string, string, string, number[]] => [
        s.text,
        p.nodes[j + 1]?.label ?? s.to,
        s.rule ?? '',
        s.findings.map((id) => position.get(id)).filter((i): i is number => i !== undefined),
      ]),
      pathFixLine(p),
      p.alsoFrom ?? [],
    ]),
  };
}

function rowOf(plan: HtmlPlan, k: number): HtmlRow {
  const f = plan.ordered[k]!;
  const at = k * CODES;
  return [
    plan.codes[at]!,
    SEVERITIES.indexOf(f.severity),
    PILLARS.indexOf(f.pillar),
    plan.codes[at + 1]!,
    plan.codes[at + 2]!,
    f.location?.line ?? 0,
    f.message,
    plan.codes[at + 3]!,
    f.verify ?? '',
    f.baseline === 'new' ? 1 : f.baseline === 'existing' ? 2 : 0,
    f.container ?? '',
    plan.codes[at + 4]!,
    plan.codes[at + 5]!,
  ];
}

/** The page's data as one object (tests, small reports); the page itself is written by `renderHtmlChunks`. */
export function htmlData(report: Report, options: RenderOptions): HtmlData {
  const plan = planHtml(report, options);
  return { ...plan.head, findings: plan.ordered.map((_, k) => rowOf(plan, k)), ...plan.tail };
}

const ROWS_PER_CHUNK = 1000;

/**
 * `scriptJson(htmlData(...))`, byte for byte, a piece at a time: JSON without indentation is the
 * concatenation of its members' JSON, and the escapes replace single characters, so escaping the
 * pieces escapes the whole.
 */
function* htmlDataChunks(report: Report, options: RenderOptions): Generator<string> {
  const plan = planHtml(report, options);
  const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${scriptJson(value)}`;
  yield `{${Object.entries(plan.head).map(([k, v]) => member(k, v)).join(',')},"findings":[`;
  for (let k = 0; k < plan.ordered.length; k += ROWS_PER_CHUNK) {
    const end = Math.min(k + ROWS_PER_CHUNK, plan.ordered.length);
    const rows: string[] = [];
    for (let i = k; i < end; i++) rows.push(scriptJson(rowOf(plan, i)));
    yield `${k === 0 ? '' : ','}${rows.join(',')}`;
  }
  const tail = Object.entries(plan.tail).filter(([, v]) => v !== undefined);
  yield `]${tail.map(([k, v]) => `,${member(k, v)}`).join('')}}`;
}

/**
 * JSON that can sit inside `<script type="application/json">`: no `<` can close the element or open
 * a comment, whatever the manifests said. U+2028/U+2029 are escaped too, so the text is also valid
 * as a JavaScript literal should anyone paste it into one.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One self-contained page (inline style and script, nothing fetched) to attach to a ticket. The
 * markup is a fixed skeleton; every value from the report travels as JSON data and is put on the
 * page with textContent by the script, so no manifest text is ever parsed as HTML.
 */
export function renderHtml(report: Report, options: RenderOptions): string {
  return [...renderHtmlChunks(report, options)].join('');
}

/** The page a piece at a time, so a large report is written without ever being one string. */
export function* renderHtmlChunks(report: Report, options: RenderOptions): Generator<string> {
  // The paths view is added only to reports that carry paths, so other reports stay as they were.
  const paths = report.paths !== undefined;
  yield [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No network at all: the page needs none, and a report opened from a ticket should not call out.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Palisade report</title>',
    `<style>${HTML_STYLE}${paths ? PATHS_STYLE : ''}</style>`,
    '</head>',
    '<body>',
    '<header><h1>Palisade report</h1><p id="meta"></p><div id="score"></div><div id="counts"></div><p id="baseline" hidden></p><p id="suppressed" hidden></p></header>',
    '<main>',
    ...(paths ? ['<section id="paths-section" hidden><h2>Attack paths</h2><p id="paths-summary"></p><ol id="paths" class="paths"></ol></section>'] : []),
    '<section id="findings-section"><h2>Findings</h2>',
    '<form id="filters" onsubmit="return false">',
    '<label>Severity <select id="f-severity"><option value="">all</option></select></label>',
    '<label>Pillar <select id="f-pillar"><option value="">all</option></select></label>',
    '<label>Rule <select id="f-rule"><option value="">all</option></select></label>',
    '<label>Namespace <select id="f-namespace"><option value="">all</option></select></label>',
    '<label id="f-baseline-label" hidden>Baseline <select id="f-baseline"><option value="">all</option><option value="1">new</option><option value="2">existing</option></select></label>',
    '<label>Search <input id="f-text" type="search" placeholder="name, message, file…"></label>',
    '</form>',
    '<p id="shown"></p>',
    '<table id="findings"><thead><tr>',
    '<th data-sort="severity">Severity</th><th data-sort="rule">Rule</th><th data-sort="namespace">Namespace</th><th data-sort="resource">Resource</th><th data-sort="location">Location</th><th data-sort="message">Message</th><th data-sort="baseline" class="baseline-col">Baseline</th>',
    '</tr></thead><tbody></tbody></table>',
    '<button id="more" type="button" hidden>Show more</button>',
    '</section>',
    '<section id="errors-section" hidden><h2>Input errors</h2><ul id="errors"></ul></section>',
    '<section id="notes-section" hidden><h2>Notes</h2><ul id="notes"></ul></section>',
    '</main>',
    '<script type="application/json" id="report-data">',
  ].join('\n');
  yield* htmlDataChunks(report, options);
  yield [
    '</script>',
    `<script>${HTML_SCRIPT}</script>`,
    ...(paths ? [`<script>${PATHS_SCRIPT}</script>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
