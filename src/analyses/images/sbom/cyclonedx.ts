import { DEFAULT_TOOL, groupByPurl, imagePurl, documentUuid, type SbomInput } from './identity.js';

/** A CycloneDX 1.5 JSON document (the object; serialise with JSON.stringify). */
export type CycloneDxBom = Record<string, unknown>;

/**
 * CycloneDX 1.5 JSON: the image as metadata.component (type container), the OS as an operating-system
 * component, one library component per purl with its locations, ecosystem and source package as properties.
 */
export function sbomCycloneDx(input: SbomInput): CycloneDxBom {
  const tool = input.tool ?? DEFAULT_TOOL;
  const imageRef = 'image';
  const image: Record<string, unknown> = { type: 'container', 'bom-ref': imageRef, name: input.image.ref };
  if (input.image.digest) image.version = input.image.digest;
  const ociPurl = imagePurl(input.image);
  if (ociPurl) image.purl = ociPurl;

  const components: Array<Record<string, unknown>> = [];
  const dependsOn: string[] = [];
  if (input.os) {
    const os: Record<string, unknown> = { type: 'operating-system', 'bom-ref': 'os', name: input.os.id };
    if (input.os.versionId) os.version = input.os.versionId;
    if (input.os.prettyName) os.description = input.os.prettyName;
    if (input.os.osvEcosystem) os.properties = [{ name: 'palisade:osv-ecosystem', value: input.os.osvEcosystem }];
    components.push(os);
    dependsOn.push('os');
  }
  for (const { pkg, locations } of groupByPurl(input.packages)) {
    const c: Record<string, unknown> = { type: 'library', 'bom-ref': pkg.purl, name: pkg.name, version: pkg.version, purl: pkg.purl };
    // Named licences: OS package licence fields are rarely SPDX identifiers, and a name is always valid.
    if (pkg.licenses?.length) c.licenses = pkg.licenses.map((name) => ({ license: { name } }));
    const props: Array<{ name: string; value: string }> = [{ name: 'palisade:package-type', value: pkg.type }];
    if (pkg.ecosystem) props.push({ name: 'palisade:osv-ecosystem', value: pkg.ecosystem });
    if (pkg.sourceName) props.push({ name: 'palisade:source-name', value: pkg.sourceName });
    if (pkg.sourceVersion) props.push({ name: 'palisade:source-version', value: pkg.sourceVersion });
    if (pkg.arch) props.push({ name: 'palisade:arch', value: pkg.arch });
    for (const location of locations) props.push({ name: 'palisade:location', value: location });
    c.properties = props;
    components.push(c);
    dependsOn.push(pkg.purl);
  }
  const metadata: Record<string, unknown> = {
    timestamp: (input.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    tools: { components: [{ type: 'application', name: tool.name, version: tool.version }] },
    component: image,
  };
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${documentUuid(input)}`,
    version: 1,
    metadata,
    components,
    dependencies: [{ ref: imageRef, dependsOn }],
  };
}
