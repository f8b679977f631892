/** What the rest of Palisade uses of the vulnerability database: open a file, match packages. */
export { openVulnDb, lookupOf, type VulnDb, type VulnMatch } from './match.js';
export type { CvssScore } from './cvss.js';
export { defaultDbPath, resolveDbPath } from './location.js';
