import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCvss } from '../../src/vulndb/cvss.js';
import { cvss4MacroVector, cvss4Score, parseCvss4 } from '../../src/vulndb/cvss4.js';
import { importPaths } from '../../src/vulndb/import.js';
import { openVulnDb } from '../../src/vulndb/match.js';
import type { OsvRecord } from '../../src/vulndb/osv.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { affected, osvRecord, pkg, tempDir, writeRecords } from '../helpers/osv-fixtures.js';

const B = 'CVSS:4.0';

describe('CVSS v4.0 scores', () => {
  // Scores as FIRST's reference calculator and the reference data derived from it give them
  // (halves rounded up), across macro vectors, with threat and environmental metrics.
  it.each([
    // base (CVSS-B)
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H`, 10],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`, 9.3],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:N`, 9.9],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N`, 6.9],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N`, 8.7],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L`, 9.2],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L`, 7.8],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L`, 5.3],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`, 8.6],
    [`${B}/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N`, 8.3],
    [`${B}/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N`, 4.8],
    [`${B}/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N`, 2.1],
    [`${B}/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N`, 1.8],
    [`${B}/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N`, 4.0],
    [`${B}/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N`, 9.5],
    [`${B}/AV:N/AC:H/AT:N/PR:L/UI:A/VC:L/VI:L/VA:L/SC:H/SI:H/SA:H`, 5.2],
    // exact halves, which floating point lands just under: 8.55, 4.95
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H`, 8.6],
    [`${B}/AV:N/AC:L/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:H/SI:H/SA:H`, 5.0],
    // no impact on either system
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N`, 0],
    // threat (CVSS-BT)
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A`, 7.3],
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P`, 5.9],
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U`, 4.1],
    [`${B}/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H/E:P`, 9.0],
    [`${B}/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U`, 0.4],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A`, 0],
    // environmental (CVSS-BE, CVSS-BTE)
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M`, 5.5],
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L`, 7.1],
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L`, 5.4],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L`, 7.9],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H`, 7.7],
    [`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A`, 8.7],
    [`${B}/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:P/MSA:S`, 9.2],
    // the least severe macro vector, which has no lower one to interpolate towards
    [`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N/E:U`, 0.1],
  ])('%s = %d', (vector, score) => {
    expect(cvss4Score(vector)).toBe(score);
  });

  it('treats Not Defined threat and environmental metrics as the base score does', () => {
    const base = `${B}/AV:N/AC:L/AT:P/PR:L/UI:P/VC:H/VI:L/VA:N/SC:L/SI:N/SA:H`;
    const spelled = `${base}/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X`;
    const explicit = `${base}/E:A/CR:H/IR:H/AR:H`;
    expect(cvss4Score(base)).toBeGreaterThan(0);
    expect(cvss4Score(spelled)).toBe(cvss4Score(base));
    expect(cvss4Score(explicit)).toBe(cvss4Score(base));
  });

  it('lets modified metrics replace their base metrics, and supplemental metrics change nothing', () => {
    const lowered = `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:L/MVI:L/MVA:L`;
    const asBase = `${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N`;
    expect(cvss4Score(lowered)).toBe(cvss4Score(asBase));
    const supplemental = `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red`;
    expect(cvss4Score(supplemental)).toBe(9.3);
  });

  it('classifies vectors into macro vectors EQ1..EQ6', () => {
    const mv = (v: string) => cvss4MacroVector(parseCvss4(v) as NonNullable<ReturnType<typeof parseCvss4>>);
    expect(mv(`${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H`)).toBe('000100');
    expect(mv(`${B}/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N/E:U`)).toBe('212221');
    expect(mv(`${B}/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N/AR:M`)).toBe('101201');
    // Safety is reachable only through MSI/MSA and puts EQ4 in its top class.
    expect(mv(`${B}/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:P/MSA:S`)).toBe('100010');
  });
});

describe('malformed CVSS v4.0 vectors', () => {
  const good = `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`;

  it.each([
    ['a missing Base metric', `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N`],
    ['a missing Base metric in the middle', `${B}/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`],
    ['an unknown value', `${B}/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`],
    ['Not Defined on a Base metric', `${B}/AV:N/AC:X/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`],
    ['Safety on the subsequent confidentiality', `${good}/MSC:S`],
    ['a repeated metric', `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SI:H/SA:N`],
    ['a repeated optional metric', `${good}/E:A/E:P`],
    ['metrics out of order', `${B}/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`],
    ['optional metrics out of order', `${good}/CR:H/E:A`],
    ['an unknown metric', `${good}/JJ:H`],
    ['a trailing slash', `${good}/`],
    ['a metric without a value', `${good}/E:`],
    ['another version prefix', good.replace('CVSS:4.0', 'CVSS:3.1')],
    ['no prefix', good.slice('CVSS:4.0/'.length)],
  ])('%s gets no score', (_why, vector) => {
    expect(parseCvss4(vector)).toBeUndefined();
    expect(cvss4Score(vector)).toBeUndefined();
  });

  it('keeps a malformed OSV vector without a score', () => {
    const vector = `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N`;
    expect(parseCvss('CVSS_V4', vector)).toEqual({ version: '4.0', vector });
    expect(parseCvss('CVSS_V4', good)).toEqual({ version: '4.0', vector: good, score: 9.3 });
  });
});

describe('CVSS v4.0 in matches', () => {
  function matchOne(record: OsvRecord) {
    const file = join(tempDir(), 'osv.sqlite');
    const store = new VulnStore(file);
    importPaths(store, [writeRecords(tempDir(), [record])]);
    store.close();
    const db = openVulnDb(file);
    try {
      return db.match([pkg('npm', 'left-pad', '1.0.0')]);
    } finally {
      db.close();
    }
  }
  const leftPad = [affected('npm', 'left-pad', [{ introduced: '0' }, { fixed: '1.3.0' }])];

  it('rates a record that carries only a v4 vector by its computed score', () => {
    const vector = `${B}/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N`;
    const [m, ...rest] = matchOne(osvRecord('GHSA-4v4v-4v4v-4v4v', leftPad, { severity: [{ type: 'CVSS_V4', score: vector }] }));
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ severity: 'high', severitySource: 'cvss', cvss: { version: '4.0', vector, score: 7.1 } });
  });

  it('prefers the v4 score to v3 scores and to the advisory rating', () => {
    const v4 = `${B}/AV:N/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N`;
    const [m] = matchOne(
      osvRecord('GHSA-4v3v-4v3v-4v3v', leftPad, {
        severity: [
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          { type: 'CVSS_V4', score: v4 },
        ],
        database_specific: { severity: 'CRITICAL' },
      }),
    );
    expect(m).toMatchObject({ severity: 'low', severitySource: 'cvss', cvss: { version: '4.0', vector: v4, score: 2.0 } });
  });

  it('falls back to the v3 score when the v4 vector is malformed', () => {
    const [m] = matchOne(
      osvRecord('GHSA-4x4x-4x4x-4x4x', leftPad, {
        severity: [
          { type: 'CVSS_V4', score: `${B}/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H` },
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' },
        ],
      }),
    );
    expect(m).toMatchObject({ severity: 'high', severitySource: 'cvss', cvss: { version: '3.1', score: 7.5 } });
  });
});
