export { imageFilesFrom } from './image-files.js';
export { detectOs, osvEcosystemFor, wantsOsFile, OS_RELEASE_PATHS } from './os-release.js';
export { analyzeImagePackages, PACKAGE_ANALYZERS, wantsImageFile } from './packages/index.js';
export { sbomCycloneDx, sbomSpdx, type CycloneDxBom, type SbomImage, type SbomInput, type SpdxDocument } from './sbom/index.js';
