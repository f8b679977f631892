import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseApkInstalled } from '../src/analyses/images/packages/apk.js';
import { parseDpkgStatus } from '../src/analyses/images/packages/dpkg.js';
import type { OsInfo, Package } from '../src/analyses/images/types.js';
import { CORPUS_DIR, type SuiteResult } from './corpus.js';

/** Installed-package databases from real images; the expectations are the figures the corpus README states. */
export const OSV_PKGDB_CORPUS = 'osv/pkgdb';

/** The folder has no index.json; its README lists the files and their expected contents. */
export function osvPkgdbAvailable(): boolean {
  return existsSync(join(CORPUS_DIR, OSV_PKGDB_CORPUS, 'README.md'));
}

const ALPINE_318: OsInfo = { id: 'alpine', versionId: '3.18.4', osvEcosystem: 'Alpine:v3.18' };
const ALPINE_34: OsInfo = { id: 'alpine', versionId: '3.4.6', osvEcosystem: 'Alpine:v3.4' };
const UBUNTU_1804: OsInfo = { id: 'ubuntu', versionId: '18.04', osvEcosystem: 'Ubuntu:18.04:LTS' };

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const find = (pkgs: Package[], name: string) => pkgs.find((p) => p.name === name);

function alpineBase(pkgs: Package[], notes: string[]): Check[] {
  const first = pkgs[0];
  const last = pkgs[pkgs.length - 1];
  return [
    { name: 'alpine-3.18: 15 packages', ok: pkgs.length === 15, detail: `${pkgs.length}` },
    { name: 'alpine-3.18: first alpine-baselayout 3.4.3-r1', ok: first?.name === 'alpine-baselayout' && first.version === '3.4.3-r1', detail: `${first?.name} ${first?.version}` },
    { name: 'alpine-3.18: last zlib 1.2.13-r1', ok: last?.name === 'zlib' && last.version === '1.2.13-r1', detail: `${last?.name} ${last?.version}` },
    { name: 'alpine-3.18: no stanza skipped', ok: notes.length === 0, detail: notes.join('; ') },
    {
      name: 'alpine-3.18: every package in Alpine:v3.18 with an apk purl',
      ok: pkgs.every((p) => p.ecosystem === 'Alpine:v3.18' && p.purl.startsWith(`pkg:apk/alpine/${p.name}@`) && p.purl.includes('distro=3.18.4')),
      detail: pkgs.find((p) => !p.purl.startsWith('pkg:apk/alpine/'))?.purl ?? '',
    },
  ];
}

function alpineEdge(pkgs: Package[], notes: string[]): Check[] {
  const test = find(pkgs, 'test');
  const ada = find(pkgs, 'ada-libs');
  const musl = find(pkgs, 'musl');
  const ssl = pkgs.filter((p) => p.version === '1.0.2h-r1');
  return [
    { name: 'trivy-edgecases: 16 stanzas, 15 packages', ok: pkgs.length === 15, detail: `${pkgs.length}` },
    {
      name: 'trivy-edgecases: the stanza without V: is skipped with a note',
      ok: notes.length === 1 && (notes[0] ?? '').includes('invalidPackageWithoutAVersion') && !find(pkgs, 'invalidPackageWithoutAVersion'),
      detail: notes.join('; '),
    },
    {
      name: "trivy-edgecases: 'test' has origin test-parent and version 2.9.11_pre20061021-r2",
      ok: test?.sourceName === 'test-parent' && test.version === '2.9.11_pre20061021-r2',
      detail: `${test?.sourceName} ${test?.version}`,
    },
    {
      name: 'trivy-edgecases: ada-libs licence is the SPDX expression',
      ok: ada?.licenses?.[0] === '( Apache-2.0 OR MIT ) AND MPL-2.0',
      detail: `${ada?.licenses?.join('|')}`,
    },
    { name: 'trivy-edgecases: musl 1.1.14-r10', ok: musl?.version === '1.1.14-r10', detail: `${musl?.version}` },
    {
      name: 'trivy-edgecases: openssl 1.0.2h-r1 packages keyed by origin openssl',
      ok: ssl.length > 0 && ssl.every((p) => p.sourceName === 'openssl'),
      detail: ssl.map((p) => `${p.name}<-${p.sourceName}`).join(' '),
    },
  ];
}

function dpkgUbuntu(pkgs: Package[], notes: string[]): Check[] {
  const withSource = pkgs.filter((p) => p.sourceName !== p.name);
  const withSourceVersion = pkgs.filter((p) => p.sourceVersion);
  const epochs = pkgs.filter((p) => /^\d+:/.test(p.version));
  const bsd = pkgs.find((p) => p.sourceName === 'util-linux' && p.sourceVersion);
  return [
    { name: 'ubuntu-18.04: 91 stanzas, 90 installed packages', ok: pkgs.length === 90, detail: `${pkgs.length}` },
    { name: 'ubuntu-18.04: git (deinstall ok config-files) skipped', ok: !find(pkgs, 'git'), detail: find(pkgs, 'git')?.version ?? '' },
    { name: 'ubuntu-18.04: 63 packages keyed by a Source: name', ok: withSource.length === 63, detail: `${withSource.length}` },
    { name: 'ubuntu-18.04: 4 Source: fields with a version', ok: withSourceVersion.length === 4, detail: withSourceVersion.map((p) => `${p.sourceName} (${p.sourceVersion})`).join(', ') },
    { name: 'ubuntu-18.04: util-linux source version 2.31.1-0.4ubuntu3.1', ok: bsd?.sourceVersion === '2.31.1-0.4ubuntu3.1', detail: `${bsd?.sourceVersion}` },
    // The README's 14 epoch versions count stanzas; one of them is the skipped git (1:2.20.1-2+deb10u3).
    { name: 'ubuntu-18.04: 14 epoch versions, 13 of them installed', ok: epochs.length === 13, detail: `${epochs.length}` },
    {
      name: 'ubuntu-18.04: epochs kept in the version (e.g. 1:2.8.2-1ubuntu1)',
      ok: pkgs.some((p) => p.version === '1:2.8.2-1ubuntu1'),
      detail: epochs.slice(0, 3).map((p) => `${p.name} ${p.version}`).join(', '),
    },
    { name: 'ubuntu-18.04: nothing malformed', ok: notes.length === 0, detail: notes.join('; ') },
    {
      name: 'ubuntu-18.04: every package in Ubuntu:18.04:LTS with a deb purl for ubuntu-18.04',
      ok: pkgs.every((p) => p.ecosystem === 'Ubuntu:18.04:LTS' && p.purl.startsWith('pkg:deb/ubuntu/') && p.purl.includes('distro=ubuntu-18.04')),
      detail: '',
    },
  ];
}

export function runOsvPkgdb(): SuiteResult {
  const dir = join(CORPUS_DIR, OSV_PKGDB_CORPUS);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const checks: Check[] = [];
  const resultNotes: string[] = [];

  let notes: string[] = [];
  checks.push(...alpineBase(parseApkInstalled(read('alpine/installed.alpine-3.18'), 'lib/apk/db/installed', ALPINE_318, notes), notes));
  notes = [];
  checks.push(...alpineEdge(parseApkInstalled(read('alpine/installed.trivy-edgecases'), 'lib/apk/db/installed', ALPINE_34, notes), notes));
  notes = [];
  checks.push(...dpkgUbuntu(parseDpkgStatus(read('dpkg/status.ubuntu-18.04'), 'var/lib/dpkg/status', UBUNTU_1804, notes), notes));

  // The corpus README points at this machine's own status file as a large real input; it is not part of the corpus.
  const local = '/var/lib/dpkg/status';
  if (existsSync(local)) {
    const started = performance.now();
    const localNotes: string[] = [];
    const pkgs = parseDpkgStatus(readFileSync(local, 'utf8'), local, undefined, localNotes);
    const ms = performance.now() - started;
    resultNotes.push(
      `local ${local}: ${pkgs.length} installed packages, ${pkgs.filter((p) => p.sourceName !== p.name).length} keyed by Source:, ` +
        `${pkgs.filter((p) => p.sourceVersion).length} with a source version, ${localNotes.length} notes, ${ms.toFixed(1)} ms`,
    );
  }

  return {
    suite: 'osv-pkgdb',
    total: checks.length,
    agreed: checks.filter((c) => c.ok).length,
    misses: checks.filter((c) => !c.ok).map((c) => `${c.name}: got ${c.detail}`),
    notes: resultNotes,
  };
}
