import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sbomCycloneDx, sbomSpdx, type SbomInput } from '../../../src/analyses/images/sbom/index.js';
import type { Package } from '../../../src/analyses/images/types.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = formats.default;
const require = createRequire(import.meta.url);

/** The CycloneDX 1.5 schema and the two it references, as @cyclonedx/cyclonedx-library ships them. */
function cycloneDxValidator() {
  const dir = require.resolve('@cyclonedx/cyclonedx-library/package.json').replace(/package\.json$/, 'res/schema/');
  const load = (file: string, id: string) => ({ ...(JSON.parse(readFileSync(dir + file, 'utf8')) as object), $id: id });
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // Internationalised forms ajv-formats lacks: accepted as the plain URI/e-mail forms are.
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  // The bom schema refers to its neighbours by their SNAPSHOT file names.
  ajv.addSchema(load('spdx.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json'));
  ajv.addSchema(load('jsf-0.82.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json'));
  return ajv.compile(load('bom-1.5.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/bom-1.5.schema.json'));
}

const PACKAGES: Package[] = [
  {
    type: 'npm',
    name: '@babel/core',
    version: '7.23.2',
    ecosystem: 'npm',
    purl: 'pkg:npm/%40babel/core@7.23.2',
    location: 'app/node_modules/@babel/core/package.json',
    licenses: ['MIT'],
  },
  {
    type: 'deb',
    name: 'bsdutils',
    version: '1:2.38.1-5+b1',
    ecosystem: 'Debian:12',
    sourceName: 'util-linux',
    sourceVersion: '2.38.1-5+b1',
    arch: 'amd64',
    purl: 'pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12',
    location: 'var/lib/dpkg/status',
    licenses: ['GPL-2.0+ and BSD-4-Clause-UC'],
  },
  { type: 'npm', name: '@babel/core', version: '7.23.2', ecosystem: 'npm', purl: 'pkg:npm/%40babel/core@7.23.2', location: 'other/package-lock.json' },
];

const INPUT: SbomInput = {
  image: { ref: 'myregistry.azurecr.io/shop/api:1.4', digest: 'sha256:' + 'ab'.repeat(32) },
  os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', osvEcosystem: 'Debian:12' },
  packages: PACKAGES,
  created: new Date('2024-05-01T12:00:00.123Z'),
};

describe('CycloneDX 1.5 SBOM', () => {
  const validate = cycloneDxValidator();

  it('validates against the official CycloneDX 1.5 schema', () => {
    const bom = sbomCycloneDx(INPUT);
    expect(validate(bom), JSON.stringify(validate.errors)).toBe(true);
  });

  it('validates with no OS, no digest and no packages', () => {
    const bom = sbomCycloneDx({ image: { ref: 'scratch.tar' }, packages: [] });
    expect(validate(bom), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects a document this module would never write', () => {
    expect(validate({ ...sbomCycloneDx(INPUT), specVersion: 1.5 })).toBe(false);
  });

  it('lists one component per purl, sorted, with every location, and the OS', () => {
    const bom = sbomCycloneDx(INPUT) as { components: Array<Record<string, unknown>>; metadata: Record<string, unknown>; serialNumber: string };
    expect(bom.components.map((c) => c['bom-ref'])).toEqual(['os', 'pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12', 'pkg:npm/%40babel/core@7.23.2']);
    const babel = bom.components[2]!;
    expect((babel.properties as Array<{ name: string; value: string }>).filter((p) => p.name === 'palisade:location').map((p) => p.value)).toEqual([
      'app/node_modules/@babel/core/package.json',
      'other/package-lock.json',
    ]);
    expect(bom.metadata.timestamp).toBe('2024-05-01T12:00:00Z');
    expect(bom.metadata.component).toMatchObject({ type: 'container', purl: `pkg:oci/api@sha256%3A${'ab'.repeat(32)}?repository_url=myregistry.azurecr.io/shop/api&tag=1.4` });
  });
});

describe('SPDX 2.3 SBOM', () => {
  // No package this project can install ships the SPDX 2.3 document schema; these are the fields SPDX 2.3 makes mandatory.
  it('has the mandatory document and package fields of SPDX 2.3', () => {
    const doc = sbomSpdx(INPUT) as Record<string, unknown> & { packages: Array<Record<string, unknown>>; relationships: Array<Record<string, string>> };
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: INPUT.image.ref });
    expect(doc.documentNamespace).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.creationInfo).toEqual({ created: '2024-05-01T12:00:00Z', creators: ['Tool: palisade-0.1.0'] });
    for (const p of doc.packages) {
      expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
      expect(typeof p.name).toBe('string');
      expect(p.downloadLocation).toBe('NOASSERTION');
    }
    expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toBe(doc.packages.length);
    expect(doc.packages.map((p) => p.name)).toEqual([INPUT.image.ref, 'debian', 'bsdutils', '@babel/core']);
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' });
    expect(doc.relationships.slice(1).every((r) => r.spdxElementId === 'SPDXRef-Image' && r.relationshipType === 'CONTAINS')).toBe(true);
    const ids = new Set(doc.packages.map((p) => p.SPDXID));
    expect(doc.relationships.every((r) => ids.has(r.relatedSpdxElement!))).toBe(true);
    const bsd = doc.packages[2]!;
    expect(bsd.externalRefs).toEqual([{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: PACKAGES[1]!.purl }]);
    expect(bsd.licenseDeclared).toBe('NOASSERTION');
    expect(bsd.licenseComments).toContain('GPL-2.0+ and BSD-4-Clause-UC');
  });
});

/**
 * What SPDX 2.3's JSON form allows where this module writes: the properties of the document, its
 * creation info, packages, external references and relationships (none other is allowed), and the
 * values of the enumerated fields it uses. Kept to SPDX 2.3 as its specification defines them.
 */
const SPDX_23 = {
  document: ['$schema', 'SPDXID', 'annotations', 'comment', 'creationInfo', 'dataLicense', 'externalDocumentRefs', 'hasExtractedLicensingInfos', 'name', 'revieweds', 'spdxVersion', 'documentNamespace', 'documentDescribes', 'packages', 'files', 'snippets', 'relationships'],
  creationInfo: ['comment', 'created', 'creators', 'licenseListVersion'],
  package: [
    'SPDXID', 'annotations', 'attributionTexts', 'builtDate', 'checksums', 'comment', 'copyrightText', 'description', 'downloadLocation', 'externalRefs', 'filesAnalyzed', 'hasFiles', 'homepage',
    'licenseComments', 'licenseConcluded', 'licenseDeclared', 'licenseInfoFromFiles', 'name', 'originator', 'packageFileName', 'packageVerificationCode', 'primaryPackagePurpose', 'releaseDate',
    'sourceInfo', 'summary', 'supplier', 'validUntilDate', 'versionInfo',
  ],
  externalRef: ['comment', 'referenceCategory', 'referenceLocator', 'referenceType'],
  relationship: ['spdxElementId', 'comment', 'relatedSpdxElement', 'relationshipType'],
  purposes: ['OTHER', 'INSTALL', 'ARCHIVE', 'FIRMWARE', 'APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'SOURCE', 'DEVICE', 'OPERATING-SYSTEM', 'FILE'],
  categories: ['OTHER', 'PERSISTENT-ID', 'PERSISTENT_ID', 'SECURITY', 'PACKAGE-MANAGER', 'PACKAGE_MANAGER'],
  // The relationship types this module writes; SPDX 2.3 defines many more.
  relationshipTypes: ['DESCRIBES', 'CONTAINS'],
  timestamp: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/,
};

/** Every way `doc` departs from SPDX 2.3's JSON form, as `where: what`. */
function spdxProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const only = (where: string, o: unknown, allowed: readonly string[], required: readonly string[] = []) => {
    if (typeof o !== 'object' || o === null) return problems.push(`${where}: not an object`);
    for (const k of Object.keys(o)) if (!allowed.includes(k)) problems.push(`${where}: ${k} is not an SPDX 2.3 property here`);
    for (const k of required) if (!(k in o)) problems.push(`${where}: ${k} is required`);
    return 0;
  };
  only('document', doc, SPDX_23.document, ['SPDXID', 'creationInfo', 'dataLicense', 'name', 'spdxVersion', 'documentNamespace']);
  const info = doc.creationInfo as { created?: unknown; creators?: unknown[] };
  only('creationInfo', info, SPDX_23.creationInfo, ['created', 'creators']);
  if (typeof info.created !== 'string' || !SPDX_23.timestamp.test(info.created)) problems.push(`creationInfo: created ${String(info.created)} is not a UTC timestamp in seconds`);
  if (!Array.isArray(info.creators) || info.creators.length === 0) problems.push('creationInfo: creators needs one entry at least');
  for (const [i, p] of ((doc.packages ?? []) as Array<Record<string, unknown>>).entries()) {
    only(`packages[${i}]`, p, SPDX_23.package, ['SPDXID', 'downloadLocation', 'name']);
    if (!/^SPDXRef-[a-zA-Z0-9.-]+$/.test(String(p.SPDXID))) problems.push(`packages[${i}]: SPDXID ${String(p.SPDXID)}`);
    if (p.primaryPackagePurpose !== undefined && !SPDX_23.purposes.includes(String(p.primaryPackagePurpose))) problems.push(`packages[${i}]: purpose ${String(p.primaryPackagePurpose)}`);
    if (p.filesAnalyzed !== undefined && typeof p.filesAnalyzed !== 'boolean') problems.push(`packages[${i}]: filesAnalyzed is not a boolean`);
    for (const [j, r] of ((p.externalRefs ?? []) as Array<Record<string, unknown>>).entries()) {
      only(`packages[${i}].externalRefs[${j}]`, r, SPDX_23.externalRef, ['referenceCategory', 'referenceLocator', 'referenceType']);
      if (!SPDX_23.categories.includes(String(r.referenceCategory))) problems.push(`packages[${i}].externalRefs[${j}]: category ${String(r.referenceCategory)}`);
    }
  }
  for (const [i, r] of ((doc.relationships ?? []) as Array<Record<string, unknown>>).entries()) {
    only(`relationships[${i}]`, r, SPDX_23.relationship, ['spdxElementId', 'relatedSpdxElement', 'relationshipType']);
    if (!SPDX_23.relationshipTypes.includes(String(r.relationshipType))) problems.push(`relationships[${i}]: type ${String(r.relationshipType)}`);
  }
  return problems;
}

describe('SPDX 2.3 JSON form', () => {
  const everyType: Package[] = (['deb', 'apk', 'rpm', 'npm', 'pypi', 'nuget', 'golang', 'maven'] as const).map((type, i) => ({
    type,
    name: `pkg-${type}`,
    version: `1.${i}.0`,
    ecosystem: 'x',
    purl: `pkg:${type}/pkg-${type}@1.${i}.0`,
    location: `lib/${type}`,
    licenses: ['MIT'],
    ...(i % 2 ? { sourceName: `src-${type}`, sourceVersion: '1.0' } : {}),
  }));

  it('writes only what SPDX 2.3 allows, with the values it defines, for every kind of package, with and without OS and digest', () => {
    for (const input of [INPUT, { ...INPUT, packages: everyType }, { image: { ref: 'nginx:1.27' }, packages: [] }]) expect(spdxProblems(sbomSpdx(input))).toEqual([]);
  });

  it('the check finds what a writer could get wrong', () => {
    const doc = sbomSpdx(INPUT) as Record<string, unknown> & { packages: Array<Record<string, unknown>> };
    doc.packages[0]!.purl = 'pkg:oci/x';
    doc.packages[1]!.SPDXID = 'SPDXRef-os_1';
    (doc.creationInfo as Record<string, unknown>).created = '2024-05-01T12:00:00.123Z';
    expect(spdxProblems(doc)).toEqual(['creationInfo: created 2024-05-01T12:00:00.123Z is not a UTC timestamp in seconds', 'packages[0]: purl is not an SPDX 2.3 property here', 'packages[1]: SPDXID SPDXRef-os_1']);
  });
});

describe('document identity and order', () => {
  it('equal inputs given the same document id serialise identically, whatever the package order', () => {
    const fixed = { ...INPUT, documentId: '0f8fad5b-d9cb-469f-a165-70867728950e' };
    const reordered = { ...fixed, packages: [...PACKAGES].reverse() };
    expect(JSON.stringify(sbomCycloneDx(reordered))).toBe(JSON.stringify(sbomCycloneDx(fixed)));
    expect(JSON.stringify(sbomSpdx(reordered))).toBe(JSON.stringify(sbomSpdx(fixed)));
    expect((sbomCycloneDx(fixed) as { serialNumber: string }).serialNumber).toBe('urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e');
    expect((sbomSpdx(fixed) as { documentNamespace: string }).documentNamespace).toBe('urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('every document of the same image gets its own random UUID (CycloneDX serialNumber, SPDX documentNamespace)', () => {
    const uuidV4 = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const [a, b] = [sbomCycloneDx(INPUT), sbomCycloneDx(INPUT)] as Array<{ serialNumber: string }>;
    const [c, d] = [sbomSpdx(INPUT), sbomSpdx(INPUT)] as Array<{ documentNamespace: string }>;
    expect(a?.serialNumber).toMatch(uuidV4);
    expect(c?.documentNamespace).toMatch(uuidV4);
    expect(a?.serialNumber).not.toBe(b?.serialNumber);
    expect(c?.documentNamespace).not.toBe(d?.documentNamespace);
  });
});

describe('image purl (purl-spec oci)', () => {
  const digest = 'sha256:' + 'ab'.repeat(32);
  const purlOf = (image: SbomInput['image']) => (sbomCycloneDx({ image, packages: [] }) as { metadata: { component: { purl?: string } } }).metadata.component.purl;

  it.each([
    { name: 'a registry reference', image: { ref: 'myregistry.azurecr.io/shop/api:1.4', digest }, purl: `pkg:oci/api@sha256%3A${'ab'.repeat(32)}?repository_url=myregistry.azurecr.io/shop/api&tag=1.4` },
    { name: 'a Docker Hub short name', image: { ref: 'debian', digest, names: ['docker.io/library/debian:latest'] }, purl: `pkg:oci/debian@sha256%3A${'ab'.repeat(32)}?repository_url=docker.io/library/debian&tag=latest` },
    {
      name: 'an archive: the repository its RepoTags name, never the file path',
      image: { ref: '/tmp/x/deb.tar (myacr.azurecr.io/team/app:1.0)', digest, names: ['myacr.azurecr.io/team/app:1.0'] },
      purl: `pkg:oci/app@sha256%3A${'ab'.repeat(32)}?repository_url=myacr.azurecr.io/team/app&tag=1.0`,
    },
    { name: 'a layout naming no reference: its path segment, no qualifiers', image: { ref: '/tmp/x/debian-oci', digest, names: [] }, purl: `pkg:oci/debian-oci@sha256%3A${'ab'.repeat(32)}` },
    { name: 'a layout given with a bare tag', image: { ref: 'debian-oci:1.0', digest, names: [] }, purl: `pkg:oci/debian-oci@sha256%3A${'ab'.repeat(32)}` },
    { name: 'an archive without tags', image: { ref: './app.tar', digest, names: [] }, purl: `pkg:oci/app@sha256%3A${'ab'.repeat(32)}` },
    { name: 'no manifest digest (a legacy docker save archive): no purl', image: { ref: 'app.tar (app:1)', names: ['app:1'] }, purl: undefined },
  ])('$name', ({ image, purl }) => {
    expect(purlOf(image)).toBe(purl);
  });
});
