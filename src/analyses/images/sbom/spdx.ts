import { createHash } from 'node:crypto';
import { DEFAULT_TOOL, groupByPurl, imagePurl, documentUuid, type SbomInput } from './identity.js';

/** An SPDX 2.3 JSON document (the object; serialise with JSON.stringify). */
export type SpdxDocument = Record<string, unknown>;

/** SPDX identifiers allow letters, digits, `.` and `-`; a hash of the purl keeps them unique and stable. */
function spdxId(prefix: string, key: string): string {
  return `SPDXRef-${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * SPDX 2.3 JSON: the image as the described CONTAINER package, the OS as an OPERATING-SYSTEM package and
 * one package per purl, each joined to the image by an `image CONTAINS package` relationship.
 * Licences found in package databases are recorded as comments, not declared licences: they are free
 * text (`GPLv2+`), not SPDX expressions.
 */
export function sbomSpdx(input: SbomInput): SpdxDocument {
  const tool = input.tool ?? DEFAULT_TOOL;
  const uuid = documentUuid(input);
  const imageId = 'SPDXRef-Image';
  const image: Record<string, unknown> = {
    SPDXID: imageId,
    name: input.image.ref,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
  };
  if (input.image.digest) image.versionInfo = input.image.digest;
  const ociPurl = imagePurl(input.image);
  if (ociPurl) image.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: ociPurl }];

  const packages: Array<Record<string, unknown>> = [image];
  const relationships: Array<Record<string, string>> = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
  ];
  if (input.os) {
    const os: Record<string, unknown> = {
      SPDXID: 'SPDXRef-OperatingSystem',
      name: input.os.id,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    };
    if (input.os.versionId) os.versionInfo = input.os.versionId;
    if (input.os.prettyName) os.description = input.os.prettyName;
    packages.push(os);
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' });
  }
  for (const { pkg, locations } of groupByPurl(input.packages)) {
    const id = spdxId(`Package-${pkg.type}`, pkg.purl);
    const p: Record<string, unknown> = {
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'LIBRARY',
      sourceInfo: `found in ${locations.join(', ')}`,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
    };
    if (pkg.licenses?.length) p.licenseComments = `licence as recorded by the package: ${pkg.licenses.join('; ')}`;
    if (pkg.sourceName && pkg.sourceName !== pkg.name) p.comment = `source package ${pkg.sourceName}${pkg.sourceVersion ? ` ${pkg.sourceVersion}` : ''}`;
    packages.push(p);
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: input.image.ref,
    documentNamespace: `urn:uuid:${uuid}`,
    creationInfo: {
      created: (input.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: ${tool.name}-${tool.version}`],
    },
    packages,
    relationships,
  };
}
