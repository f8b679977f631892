export { sbomCycloneDx, type CycloneDxBom } from './cyclonedx.js';
export { documentUuid, type SbomImage, type SbomInput } from './identity.js';
export { sbomSpdx, type SpdxDocument } from './spdx.js';
