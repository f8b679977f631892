import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { dotnetAnalyzer } from '../../../src/analyses/images/packages/dotnet.js';

const DEPS = JSON.stringify({
  runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
  libraries: {
    'MyApp/1.0.0': { type: 'project', serviceable: false },
    'Newtonsoft.Json/13.0.1': { type: 'package', serviceable: true, sha512: 'sha512-x' },
    'System.Text.Json/8.0.0': { type: 'package' },
    'Microsoft.AspNetCore.App/8.0.0': { type: 'reference' },
  },
});

describe('.NET analyser', () => {
  it('lists libraries of type package from deps.json', () => {
    const pkgs = dotnetAnalyzer.analyze(imageFilesFrom({ 'app/MyApp.deps.json': DEPS }), undefined, []);
    expect(pkgs).toEqual([
      { type: 'nuget', name: 'Newtonsoft.Json', version: '13.0.1', ecosystem: 'NuGet', purl: 'pkg:nuget/Newtonsoft.Json@13.0.1', location: 'app/MyApp.deps.json' },
      { type: 'nuget', name: 'System.Text.Json', version: '8.0.0', ecosystem: 'NuGet', purl: 'pkg:nuget/System.Text.Json@8.0.0', location: 'app/MyApp.deps.json' },
    ]);
  });

  it.each([
    { name: 'not JSON', text: '{', notes: 1 },
    { name: 'no libraries', text: '{"targets": {}}', notes: 0 },
    { name: 'a key without a version', text: '{"libraries": {"NoVersion": {"type": "package"}}}', notes: 0 },
  ])('lists nothing for $name', ({ text, notes }) => {
    const out: string[] = [];
    expect(dotnetAnalyzer.analyze(imageFilesFrom({ 'a.deps.json': text }), undefined, out)).toEqual([]);
    expect(out).toHaveLength(notes);
  });

  it('wants deps.json files only', () => {
    expect(dotnetAnalyzer.wants({ path: 'app/MyApp.deps.json', size: 5000, mode: 0o644 })).toBe(true);
    expect(dotnetAnalyzer.wants({ path: 'app/MyApp.runtimeconfig.json', size: 500, mode: 0o644 })).toBe(false);
  });
});
