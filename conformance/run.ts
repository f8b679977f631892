import { readFileSync } from 'node:fs';
import { API_EXAMPLES_CORPUS, runAksApiExamples } from './aks-api-examples.js';
import { CHECKOV_CORPUS, runCheckov } from './checkov.js';
import { corpusAvailable, CORPUS_DIR, percent, type SuiteResult } from './corpus.js';
import { runKubeScore } from './kube-score.js';
import { runKubescape } from './kubescape.js';
import { NETPOL_CORPUS, runNetpol, runNetpolExposure } from './netpol.js';
import { OSV_PKGDB_CORPUS, osvPkgdbAvailable, runOsvPkgdb } from './osv-pkgdb.js';
import { OSV_RECORDS_CORPUS, osvRecordsAvailable, runOsvRecords } from './osv-records.js';
import { OSV_VERSIONS_CORPUS, osvVersionsAvailable, runOsvVersions } from './osv-versions.js';
import { runPss } from './pss.js';
import { RBAC_CORPUS, runRbac } from './rbac.js';
import { runYamlBlock, yamlBlockAvailable } from './yaml-block.js';

/**
 * Agreement with other projects' test data. Fails only when a suite drops below its floor in
 * floors.json — the floors rise as work lands, so regressions are caught without blocking progress.
 */
const SUITES: Array<{ name: string; run: () => SuiteResult | Promise<SuiteResult>; corpus?: string; available?: () => boolean }> = [
  { name: 'pss', run: runPss },
  { name: 'kubescape', run: runKubescape },
  { name: 'kube-score', run: runKubeScore },
  { name: 'checkov', run: runCheckov, corpus: CHECKOV_CORPUS },
  { name: 'aks-api-examples', run: runAksApiExamples, corpus: API_EXAMPLES_CORPUS },
  { name: 'rbac', run: runRbac, corpus: RBAC_CORPUS },
  { name: 'netpol', run: runNetpol, corpus: NETPOL_CORPUS },
  { name: 'netpol-exposure', run: runNetpolExposure, corpus: NETPOL_CORPUS },
  { name: 'audit', run: async () => (await import('./audit.js')).runAudit(), corpus: 'audit/falco' },
  { name: 'osv-pkgdb', run: runOsvPkgdb, corpus: OSV_PKGDB_CORPUS, available: osvPkgdbAvailable },
  { name: 'osv-versions', run: runOsvVersions, corpus: OSV_VERSIONS_CORPUS, available: osvVersionsAvailable },
  { name: 'osv-records', run: runOsvRecords, corpus: OSV_RECORDS_CORPUS, available: osvRecordsAvailable },
  { name: 'yaml-block', run: runYamlBlock, corpus: '.', available: yamlBlockAvailable },
];

const floors = JSON.parse(readFileSync(new URL('./floors.json', import.meta.url), 'utf8')) as Record<string, number>;
const verbose = process.argv.includes('--verbose');
let failed = false;
for (const suite of SUITES) {
  const corpus = suite.corpus ?? suite.name;
  if (!(suite.available ?? (() => corpusAvailable(corpus)))()) {
    console.log(`${suite.name}: skipped (no ${CORPUS_DIR}/${corpus})`);
    continue;
  }
  const r = await suite.run();
  const pct = percent(r);
  const floor = floors[suite.name] ?? 0;
  const status = pct + 1e-9 >= floor ? 'ok' : 'BELOW FLOOR';
  if (status !== 'ok') failed = true;
  console.log(`${r.suite}: ${r.agreed}/${r.total} = ${pct.toFixed(1)}% (floor ${floor}%) ${status}`);
  for (const n of r.notes) console.log(`  ${n}`);
  const shown = verbose ? r.misses : r.misses.slice(0, 25);
  for (const m of shown) console.log(`  miss: ${m}`);
  if (shown.length < r.misses.length) console.log(`  ... and ${r.misses.length - shown.length} more misses (--verbose shows all)`);
}
process.exitCode = failed ? 1 : 0;
