import { describe, expect, it } from 'vitest';
import { nuget } from '../../../src/vulndb/versions/nuget.js';
import { expectOrder } from './order.js';

describe('NuGet version order', () => {
  it('compares up to four numeric parts, padding with zeros', () => {
    expectOrder(nuget, [
      ['6.0', '=', '6.0.0.0'],
      ['6.0.0.1', '>', '6.0.0'],
      ['6.02.1', '=', '6.2.1'],
      ['6.0.0.10', '>', '6.0.0.9'],
    ]);
  });

  it('compares pre-release labels case-insensitively and ignores metadata', () => {
    expectOrder(nuget, [
      ['8.0.0-Preview.1', '=', '8.0.0-preview.1'],
      ['8.0.0-preview.2', '>', '8.0.0-PREVIEW.1'],
      ['8.0.0-preview.10', '>', '8.0.0-preview.9'],
      ['8.0.0-rc.1', '<', '8.0.0'],
      ['8.0.0+sha.1', '=', '8.0.0+sha.2'],
      ['8.0.0-rc.1+x', '=', '8.0.0-RC.1'],
    ]);
  });

  it('reports validity', () => {
    expect(nuget.isValid('1.2.3.4-beta.1+meta')).toBe(true);
    expect(nuget.isValid('1.2.3.4.5')).toBe(false);
    expect(nuget.isValid('beta')).toBe(false);
  });
});
