/** An ImageSource over layer blobs held in memory, for exercising the layer walker directly. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { verified } from '../../../src/ingest/image/blob-store.js';
import type { ImageSource } from '../../../src/ingest/image/source.js';
import { sha256 } from './build.js';

export function memorySource(blobs: readonly Buffer[], opts: { ref?: string; digests?: string[] } = {}): ImageSource {
  const ref = opts.ref ?? 'test/image:1';
  return {
    ref,
    names: [],
    kind: 'oci-layout',
    configDigest: sha256('{}'),
    config: { os: 'linux', architecture: 'amd64', env: [], history: [], diffIds: [], raw: {} },
    layers: blobs.map((blob, index) => {
      const digest = opts.digests?.[index] ?? sha256(blob);
      return {
        index,
        digest,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        size: blob.length,
        open: async () => verified(Readable.from([blob]), digest, blob.length, ref),
      };
    }),
    notes: [],
    close: async () => {},
  };
}

export const gz = (b: Buffer): Buffer => gzipSync(b);
