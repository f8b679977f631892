import { describe, expect, it } from 'vitest';
import { cvss2BaseScore, cvss3BaseScore, parseCvss, severityOfScore, severityOfText } from '../../src/vulndb/cvss.js';

describe('CVSS v3 base scores', () => {
  // Worked examples of the CVSS v3.1 specification's examples document, and well-known NVD scores.
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1], // CVE-2013-1937, reflected XSS
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1], // CVE-2014-3566, POODLE
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5], // CVE-2014-0160, Heartbleed
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8], // CVE-2014-6271, Shellshock
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2],
    ['CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N', 4.7],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N', 6.1],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', 5.3],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
  ])('%s = %d', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it('refuses vectors missing a base metric or of another version', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:2.0/AV:N')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
  });
});

describe('CVSS v2 base scores', () => {
  it.each([
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5],
    ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10.0],
    ['AV:N/AC:M/Au:N/C:N/I:P/A:N', 4.3],
    ['AV:L/AC:L/Au:N/C:N/I:N/A:N', 0],
  ])('%s = %d', (vector, score) => {
    expect(cvss2BaseScore(vector)).toBe(score);
  });
});

describe('ratings', () => {
  it('maps scores to the CVSS qualitative bands', () => {
    expect([9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(severityOfScore)).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'low', 'low', 'info']);
  });

  it('maps GHSA, Ubuntu and Debian words', () => {
    expect(['CRITICAL', 'HIGH', 'MODERATE', 'LOW', 'medium', 'negligible', 'unimportant', 'not yet assigned'].map(severityOfText)).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'medium',
      'info',
      'info',
      undefined,
    ]);
  });

  it('reads OSV severity entries by type and scores each CVSS version', () => {
    expect(parseCvss('CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toEqual({ version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3 });
    expect(parseCvss('CVSS_V3', 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N')).toEqual({ version: '3.0', vector: 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', score: 6.4 });
    expect(parseCvss('CVSS_V2', 'AV:N/AC:L/Au:N/C:P/I:P/A:P')).toEqual({ version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', score: 7.5 });
    expect(parseCvss('Ubuntu', 'medium')).toBeUndefined();
  });
});
