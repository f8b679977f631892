/**
 * CVSS v4.0 scores, as the FIRST specification (https://www.first.org/cvss/v4.0/specification-document,
 * §8) and its reference calculator compute them. v4 has no closed formula: a vector is classified
 * into a macro vector (six equivalence classes EQ1..EQ6), the macro vector's expert-assigned score is
 * looked up, and the score is lowered by how far the vector sits below the most severe vectors of its
 * macro vector, in proportion to the score gap towards the next lower macro vectors.
 *
 * Threat and Environmental metrics take part when present (CVSS-BT, CVSS-BE, CVSS-BTE); when absent,
 * E defaults to Attacked, CR/IR/AR to High and every modified metric to its base value, which makes
 * the result the CVSS-B base score OSV records carry.
 */

/**
 * The metrics a v4.0 vector may hold, in the one order the specification allows (its Table 23),
 * with their legal values. The eleven Base metrics are mandatory and have no Not Defined (X).
 */
const METRICS: readonly (readonly [name: string, values: readonly string[]])[] = [
  ['AV', ['N', 'A', 'L', 'P']],
  ['AC', ['L', 'H']],
  ['AT', ['N', 'P']],
  ['PR', ['N', 'L', 'H']],
  ['UI', ['N', 'P', 'A']],
  ['VC', ['H', 'L', 'N']],
  ['VI', ['H', 'L', 'N']],
  ['VA', ['H', 'L', 'N']],
  ['SC', ['H', 'L', 'N']],
  ['SI', ['H', 'L', 'N']],
  ['SA', ['H', 'L', 'N']],
  // Threat
  ['E', ['X', 'A', 'P', 'U']],
  // Environmental
  ['CR', ['X', 'H', 'M', 'L']],
  ['IR', ['X', 'H', 'M', 'L']],
  ['AR', ['X', 'H', 'M', 'L']],
  ['MAV', ['X', 'N', 'A', 'L', 'P']],
  ['MAC', ['X', 'L', 'H']],
  ['MAT', ['X', 'N', 'P']],
  ['MPR', ['X', 'N', 'L', 'H']],
  ['MUI', ['X', 'N', 'P', 'A']],
  ['MVC', ['X', 'H', 'L', 'N']],
  ['MVI', ['X', 'H', 'L', 'N']],
  ['MVA', ['X', 'H', 'L', 'N']],
  ['MSC', ['X', 'H', 'L', 'N']],
  // Only the subsequent system's integrity and availability can be raised to Safety.
  ['MSI', ['X', 'S', 'H', 'L', 'N']],
  ['MSA', ['X', 'S', 'H', 'L', 'N']],
  // Supplemental: validated, never scored.
  ['S', ['X', 'N', 'P']],
  ['AU', ['X', 'N', 'Y']],
  ['R', ['X', 'A', 'U', 'I']],
  ['V', ['X', 'D', 'C']],
  ['RE', ['X', 'L', 'M', 'H']],
  ['U', ['X', 'Clear', 'Green', 'Amber', 'Red']],
];
const BASE_COUNT = 11;

/** The metrics written in a vector (a valid one holds every Base metric). */
export type Cvss4Metrics = ReadonlyMap<string, string>;

/**
 * Reads a `CVSS:4.0/...` vector; undefined when it breaks the specification's rules: a Base metric
 * missing, an unknown metric or value, a metric repeated, or metrics out of the prescribed order.
 */
export function parseCvss4(vector: string): Cvss4Metrics | undefined {
  const parts = vector.split('/');
  if (parts[0] !== 'CVSS:4.0') return undefined;
  const out = new Map<string, string>();
  let next = 0;
  for (const part of parts.slice(1)) {
    const colon = part.indexOf(':');
    if (colon <= 0) return undefined;
    const name = part.slice(0, colon);
    const value = part.slice(colon + 1);
    // Searching only forward rejects repeats and reordering in one go.
    let at = next;
    while (at < METRICS.length && METRICS[at]?.[0] !== name) at++;
    const def = METRICS[at];
    if (def === undefined || !def[1].includes(value)) return undefined;
    if (Math.min(at, BASE_COUNT) > next) return undefined; // a Base metric was skipped
    out.set(name, value);
    next = at + 1;
  }
  return next >= BASE_COUNT ? out : undefined;
}

/**
 * The value a metric takes in scoring: threat and security requirements left Not Defined assume the
 * worst case (E:A, CR/IR/AR:H), and a modified metric, when defined, replaces its base metric.
 */
function effective(m: Cvss4Metrics, name: string): string {
  const own = m.get(name) ?? 'X';
  if (own === 'X' && name === 'E') return 'A';
  if (own === 'X' && (name === 'CR' || name === 'IR' || name === 'AR')) return 'H';
  const modified = m.get(`M${name}`);
  return modified !== undefined && modified !== 'X' ? modified : own;
}

/** The six-digit macro vector (EQ1..EQ6, 0 = most severe) of a parsed vector. */
export function cvss4MacroVector(m: Cvss4Metrics): string {
  const v = (name: string) => effective(m, name);
  const [av, pr, ui] = [v('AV'), v('PR'), v('UI')];
  const eq1 = av === 'N' && pr === 'N' && ui === 'N' ? 0 : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P' ? 1 : 2;
  const eq2 = v('AC') === 'L' && v('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [v('VC'), v('VI'), v('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  // Safety (S) is only reachable through MSI/MSA, so it decides EQ4's top class by itself.
  const [sc, si, sa] = [v('SC'), v('SI'), v('SA')];
  const eq4 = si === 'S' || sa === 'S' ? 0 : sc === 'H' || si === 'H' || sa === 'H' ? 1 : 2;
  const eq5 = { A: 0, P: 1, U: 2 }[v('E') as 'A' | 'P' | 'U'];
  const eq6 = (v('CR') === 'H' && vc === 'H') || (v('IR') === 'H' && vi === 'H') || (v('AR') === 'H' && va === 'H') ? 0 : 1;
  return `${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`;
}

/**
 * Scores of the 270 macro vectors, from the specification's reference data. Each row is one
 * EQ1·EQ2·EQ3 prefix; its scores run over EQ4, then EQ5, then EQ6 (0 before 1). EQ3 = 2 rows hold
 * EQ6 = 1 only: with no High vulnerable-system impact, no requirement can pair with one.
 */
const MACRO_SCORES: readonly (readonly [prefix: string, scores: readonly number[]])[] = [
  ['000', [10, 9.9, 9.8, 9.5, 9.5, 9.2, 10, 9.6, 9.3, 8.7, 9.1, 8.1, 9.3, 9, 8.9, 8, 8.1, 6.8]],
  ['001', [9.8, 9.5, 9.5, 9.2, 9, 8.4, 9.3, 9.2, 8.9, 8.1, 8.1, 6.5, 8.8, 8, 7.8, 7, 6.9, 4.8]],
  ['002', [9.2, 8.2, 7.2, 7.9, 6.9, 5, 6.9, 5.5, 2.7]],
  ['010', [9.9, 9.7, 9.5, 9.2, 9.2, 8.5, 9.5, 9.1, 9, 8.3, 8.4, 7.1, 9.2, 8.1, 8.2, 7.1, 7.2, 5.3]],
  ['011', [9.5, 9.3, 9.2, 8.5, 8.5, 7.3, 9.2, 8.2, 8, 7.2, 7, 5.9, 8.4, 7, 7.1, 5.2, 5, 3]],
  ['012', [8.6, 7.5, 5.2, 7.1, 5.2, 2.9, 6.3, 2.9, 1.7]],
  ['100', [9.8, 9.5, 9.4, 8.7, 9.1, 8.1, 9.4, 8.9, 8.6, 7.4, 7.7, 6.4, 8.7, 7.5, 7.4, 6.3, 6.3, 4.9]],
  ['101', [9.4, 8.9, 8.8, 7.7, 7.6, 6.7, 8.6, 7.6, 7.4, 5.8, 5.9, 5, 7.2, 5.7, 5.7, 5.2, 5.2, 2.5]],
  ['102', [8.3, 7, 5.4, 6.5, 5.8, 2.6, 5.3, 2.1, 1.3]],
  ['110', [9.5, 9, 8.8, 7.6, 7.6, 7, 9, 7.7, 7.5, 6.2, 6.1, 5.3, 7.7, 6.6, 6.8, 5.9, 5.2, 3]],
  ['111', [8.9, 7.8, 7.6, 6.7, 6.2, 5.8, 7.4, 5.9, 5.7, 5.7, 4.7, 2.3, 6.1, 5.2, 5.7, 2.9, 2.4, 1.6]],
  ['112', [7.1, 5.9, 3, 5.8, 2.6, 1.5, 2.3, 1.3, 0.6]],
  ['200', [9.3, 8.7, 8.6, 7.2, 7.5, 5.8, 8.6, 7.4, 7.4, 6.1, 5.6, 3.4, 7, 5.4, 5.2, 4, 4, 2.2]],
  ['201', [8.5, 7.5, 7.4, 5.5, 6.2, 5.1, 7.2, 5.7, 5.5, 4.1, 4.6, 1.9, 5.3, 3.6, 3.4, 1.9, 1.9, 0.8]],
  ['202', [6.4, 5.1, 2, 4.7, 2.1, 1.1, 2.4, 0.9, 0.4]],
  ['210', [8.8, 7.5, 7.3, 5.3, 6, 5, 7.3, 5.5, 5.9, 4, 4.1, 2, 5.4, 4.3, 4.5, 2.2, 2, 1.1]],
  ['211', [7.5, 5.5, 5.8, 4.5, 4, 2.1, 6.1, 5.1, 4.8, 1.8, 2, 0.9, 4.6, 1.8, 1.7, 0.7, 0.8, 0.2]],
  ['212', [5.3, 2.4, 1.4, 2.4, 1.2, 0.5, 1, 0.3, 0.1]],
];

const MACRO_SCORE: ReadonlyMap<string, number> = new Map(
  MACRO_SCORES.flatMap(([prefix, scores]) => {
    const eq6Values = prefix.endsWith('2') ? ['1'] : ['0', '1'];
    const suffixes = ['0', '1', '2'].flatMap((eq4) => ['0', '1', '2'].flatMap((eq5) => eq6Values.map((eq6) => `${eq4}${eq5}${eq6}`)));
    return suffixes.map((suffix, i) => [`${prefix}${suffix}`, scores[i] as number] as const);
  }),
);

/**
 * Severity level of each metric value, in steps of 0.1 from the most severe (0), as the reference
 * data gives them. Working in these decimals leaves floating-point error far below the lift applied
 * before rounding (see roundHalfUp), so results equal exact decimal arithmetic.
 */
const LEVELS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  AV: { N: 0.0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0.0, L: 0.1, H: 0.2 },
  UI: { N: 0.0, P: 0.1, A: 0.2 },
  AC: { L: 0.0, H: 0.1 },
  AT: { N: 0.0, P: 0.1 },
  VC: { H: 0.0, L: 0.1, N: 0.2 },
  VI: { H: 0.0, L: 0.1, N: 0.2 },
  VA: { H: 0.0, L: 0.1, N: 0.2 },
  // SC cannot reach Safety, so its scale starts one step down, level with SI/SA's High.
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0.0, M: 0.1, L: 0.2 },
  IR: { H: 0.0, M: 0.1, L: 0.2 },
  AR: { H: 0.0, M: 0.1, L: 0.2 },
};

type Highest = Readonly<Record<string, string>>;
const hv = (s: string): Highest => Object.fromEntries(s.split('/').map((kv) => kv.split(':') as [string, string]));

/**
 * The most severe vectors of each class, per EQ (EQ3 and EQ6 together, as their classes interlock),
 * from the specification's reference data. A vector's distance is measured from a combination of
 * these that is at least as severe in every metric.
 */
const HIGHEST: {
  eq1: readonly Highest[][];
  eq2: readonly Highest[][];
  eq3eq6: readonly (readonly Highest[])[][];
  eq4: readonly Highest[][];
} = {
  eq1: [[hv('AV:N/PR:N/UI:N')], [hv('AV:A/PR:N/UI:N'), hv('AV:N/PR:L/UI:N'), hv('AV:N/PR:N/UI:P')], [hv('AV:P/PR:N/UI:N'), hv('AV:A/PR:L/UI:P')]],
  eq2: [[hv('AC:L/AT:N')], [hv('AC:H/AT:N'), hv('AC:L/AT:P')]],
  eq3eq6: [
    [[hv('VC:H/VI:H/VA:H/CR:H/IR:H/AR:H')], [hv('VC:H/VI:H/VA:L/CR:M/IR:M/AR:H'), hv('VC:H/VI:H/VA:H/CR:M/IR:M/AR:M')]],
    [
      [hv('VC:L/VI:H/VA:H/CR:H/IR:H/AR:H'), hv('VC:H/VI:L/VA:H/CR:H/IR:H/AR:H')],
      [
        hv('VC:L/VI:H/VA:L/CR:H/IR:M/AR:H'),
        hv('VC:L/VI:H/VA:H/CR:H/IR:M/AR:M'),
        hv('VC:H/VI:L/VA:H/CR:M/IR:H/AR:M'),
        hv('VC:H/VI:L/VA:L/CR:M/IR:H/AR:H'),
        hv('VC:L/VI:L/VA:H/CR:H/IR:H/AR:M'),
      ],
    ],
    [[], [hv('VC:L/VI:L/VA:L/CR:H/IR:H/AR:H')]],
  ],
  eq4: [[hv('SC:H/SI:S/SA:S')], [hv('SC:H/SI:H/SA:H')], [hv('SC:L/SI:L/SA:L')]],
};

/**
 * Depth of each class: one more than the largest severity distance a vector of the class can have
 * from its highest vectors, in steps (EQ5 has no depth to walk; its classes are single values).
 */
const DEPTH = {
  eq1: [1, 4, 5],
  eq2: [1, 2],
  eq3eq6: [
    [7, 6],
    [8, 8],
    [NaN, 10], // EQ3 = 2 never comes with EQ6 = 0
  ],
  eq4: [6, 5, 4],
} as const;

const STEP = 0.1;

/** The CVSS v4.0 score of a vector (CVSS-B, -BT, -BE or -BTE by what it holds), or undefined if malformed. */
export function cvss4Score(vector: string): number | undefined {
  const m = parseCvss4(vector);
  return m === undefined ? undefined : scoreOf(m);
}

function scoreOf(m: Cvss4Metrics): number {
  // No impact on either system scores 0 whatever the exploitability.
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((name) => effective(m, name) === 'N')) return 0;

  const macro = cvss4MacroVector(m);
  const [eq1, eq2, eq3, eq4, eq5, eq6] = [...macro].map(Number) as [number, number, number, number, number, number];
  const value = MACRO_SCORE.get(macro) as number;

  // Score of the next lower macro vector along one EQ; it may not exist (then that EQ is left out).
  const lower = (eq: number) => MACRO_SCORE.get([eq1, eq2, eq3, eq4, eq5, eq6].map((e, k) => (k === eq ? e + 1 : e)).join(''));
  // EQ3 and EQ6 step together: from 00 to 01 or 10, whichever scores higher; 01 and 11 step EQ3, 10
  // steps EQ6; 21 is the bottom.
  let lowerEq3Eq6: number | undefined;
  if (eq3 === 0 && eq6 === 0) lowerEq3Eq6 = Math.max(lower(5) as number, lower(2) as number);
  else if (eq3 === 1 && eq6 === 0) lowerEq3Eq6 = lower(5);
  else if (eq3 < 2) lowerEq3Eq6 = lower(2);

  // Distance, metric by metric, from the first combination of highest vectors that is at least as
  // severe everywhere (the reference keeps the last combination tried if none is).
  const eq3eq6Highest = HIGHEST.eq3eq6[eq3]?.[eq6] ?? [];
  let distance: Record<string, number> = {};
  search: for (const a of HIGHEST.eq1[eq1] ?? [])
    for (const b of HIGHEST.eq2[eq2] ?? [])
      for (const c of eq3eq6Highest)
        for (const d of HIGHEST.eq4[eq4] ?? []) {
          const highest: Highest = { ...a, ...b, ...c, ...d };
          distance = {};
          for (const [name, levels] of Object.entries(LEVELS)) {
            distance[name] = (levels[effective(m, name)] as number) - (levels[highest[name] as string] as number);
          }
          if (Object.values(distance).every((x) => x >= 0)) break search;
        }
  const d = (name: string) => distance[name] as number;

  const parts: { gap: number | undefined; distance: number; depth: number }[] = [
    { gap: lower(0), distance: d('AV') + d('PR') + d('UI'), depth: DEPTH.eq1[eq1 as 0 | 1 | 2] * STEP },
    { gap: lower(1), distance: d('AC') + d('AT'), depth: DEPTH.eq2[eq2 as 0 | 1] * STEP },
    {
      gap: lowerEq3Eq6,
      distance: d('VC') + d('VI') + d('VA') + d('CR') + d('IR') + d('AR'),
      depth: (DEPTH.eq3eq6[eq3 as 0 | 1 | 2][eq6 as 0 | 1] as number) * STEP,
    },
    { gap: lower(3), distance: d('SC') + d('SI') + d('SA'), depth: DEPTH.eq4[eq4 as 0 | 1 | 2] * STEP },
    // EQ5 counts towards the mean when a lower class exists, but a vector is never inside it.
    { gap: lower(4), distance: 0, depth: 1 },
  ];
  let sum = 0;
  let existing = 0;
  for (const part of parts) {
    if (part.gap === undefined) continue;
    existing++;
    // The score gap to the next lower macro vector, times how far down this class the vector sits.
    sum += (value - part.gap) * (part.distance / part.depth);
  }
  const mean = existing === 0 ? 0 : sum / existing;
  return roundHalfUp(Math.max(0, Math.min(10, value - mean)));
}

/**
 * One decimal, halves rounded up. The interpolation above can land a hair under a true x.x5 (8.55
 * comes out as 8.549999999999999), so the value is lifted by a millionth first, as the reference
 * implementations do since their rounding fix; no true result lies that close below a half.
 */
function roundHalfUp(x: number): number {
  return Math.round((x + 1e-6) * 10) / 10;
}
