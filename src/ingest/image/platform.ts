/** `--platform os/arch[/variant]` and picking one image out of a multi-platform index. */
import { ImageError, type Descriptor } from './source.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new ImageError(`platform "${text}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? '?', p.architecture ?? '?', ...(p.variant ? [p.variant] : [])].join('/');
}

/** Variants a platform accepts when none is listed: arm64 images often omit v8. */
function variantMatches(wanted: Platform, offered: string | undefined): boolean {
  if (wanted.variant === undefined) return true;
  if (offered === undefined) return wanted.architecture === 'arm64' && wanted.variant === 'v8';
  return offered === wanted.variant;
}

/**
 * The index entry for a platform. Attestation manifests (BuildKit writes them with platform unknown/unknown)
 * are never chosen. Without a variant, the first entry for os/arch wins (the registry's order).
 */
export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, what: string): Descriptor {
  const images = manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  const found = images.find(
    (m) => m.platform?.os === wanted.os && m.platform.architecture === wanted.architecture && variantMatches(wanted, m.platform.variant),
  );
  if (found) return found;
  const offered = images.filter((m) => m.platform).map((m) => formatPlatform(m.platform ?? {}));
  throw new ImageError(
    `${what}: no image for platform ${formatPlatform(wanted)}; the index offers ${offered.length ? offered.join(', ') : 'no platform-tagged images'}`,
  );
}
