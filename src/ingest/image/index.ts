/** The image readers' public surface: open an image from any source, then walk its layers once. */
export { openImage, type OpenImageOptions } from './open.js';
export { openDockerArchive } from './docker-archive.js';
export { openOciLayout } from './oci-layout.js';
export { openRegistryImage, RegistryClient, type RegistryOptions } from './registry.js';
export { DirectoryStore, TarStore } from './blob-store.js';
export { readImageFiles, MapImageFiles, DEFAULT_WALK_LIMITS, type WalkLimits, type WalkStats, type ImageFileResult } from './walker.js';
export { imageRefFromString, formatImageRef, registryApiHost, ImageRefError, type ImageRef } from './ref.js';
export { parsePlatform, formatPlatform, DEFAULT_PLATFORM, type Platform } from './platform.js';
export { dockerCredentials, dockerConfigDir, type RegistryCredential } from './docker-config.js';
export { ImageError, type ImageSource, type ImageLayer, type ImageConfig, type ImageHistory, type ImageSourceKind } from './source.js';
