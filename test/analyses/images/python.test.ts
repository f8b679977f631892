import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { pythonAnalyzer } from '../../../src/analyses/images/packages/python.js';

const METADATA = `Metadata-Version: 2.1
Name: Jinja2
Version: 3.1.2
License: BSD-3-Clause
Requires-Dist: MarkupSafe>=2.0

Jinja is a fast, expressive, extensible templating engine.
Name: not-a-header
`;

describe('Python analyser', () => {
  it('reads dist-info METADATA, egg-info PKG-INFO and egg-info files, named as the pypi purl type names them (dots kept)', () => {
    const notes: string[] = [];
    const files = imageFilesFrom({
      'usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA': METADATA,
      'usr/lib/python3/site-packages/zope.interface-5.4.0.egg-info/PKG-INFO': 'Metadata-Version: 1.1\nName: zope.interface\nVersion: 5.4.0\nLicense: UNKNOWN\n',
      'usr/lib/python3/dist-packages/python_apt-2.4.0.egg-info': 'Metadata-Version: 1.2\nName: python_apt\nVersion: 2.4.0\n',
      'usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nSummary: nothing\n',
    });
    const pkgs = pythonAnalyzer.analyze(files, undefined, notes);
    expect(pkgs).toEqual([
      {
        type: 'pypi',
        name: 'jinja2',
        version: '3.1.2',
        ecosystem: 'PyPI',
        licenses: ['BSD-3-Clause'],
        purl: 'pkg:pypi/jinja2@3.1.2',
        location: 'usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA',
      },
      {
        type: 'pypi',
        name: 'python-apt',
        version: '2.4.0',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/python-apt@2.4.0',
        location: 'usr/lib/python3/dist-packages/python_apt-2.4.0.egg-info',
      },
      {
        type: 'pypi',
        name: 'zope.interface',
        version: '5.4.0',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/zope.interface@5.4.0',
        location: 'usr/lib/python3/site-packages/zope.interface-5.4.0.egg-info/PKG-INFO',
      },
    ]);
    expect(notes).toEqual(['usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA: Python metadata without Name or Version skipped']);
  });

  it.each([
    { path: 'x/foo-1.0.dist-info/METADATA', wanted: true },
    { path: 'x/foo-1.0.egg-info/PKG-INFO', wanted: true },
    { path: 'x/foo-1.0.egg-info', wanted: true },
    { path: 'x/foo-1.0.dist-info/RECORD', wanted: false },
    { path: 'x/METADATA', wanted: false },
  ])('wants $path: $wanted', ({ path, wanted }) => {
    expect(pythonAnalyzer.wants({ path, size: 1000, mode: 0o644 })).toBe(wanted);
  });
});
