/** Checks a blob against its digest while it streams, so a tampered or truncated blob fails the read. */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ImageError } from './source.js';

const SHA256 = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function assertDigest(digest: string, what: string): void {
  if (!SHA256.test(digest)) throw new ImageError(`${what}: unsupported or malformed digest "${digest}" (sha256 only)`);
}

/**
 * Passes bytes through, hashing them; at the end fails when the hash or (when known) the size differs.
 * More bytes than `size` fail at once, so a hostile server cannot stream forever.
 */
export function verifyingStream(digest: string, size: number | undefined, what: string): Transform {
  assertDigest(digest, what);
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      seen += chunk.length;
      if (size !== undefined && seen > size) {
        done(new ImageError(`${what}: blob ${digest} is larger than the ${size} bytes its descriptor declares`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest) done(new ImageError(`${what}: blob ${digest} does not match its digest (content hashes to ${got})`));
      else if (size !== undefined && seen !== size) done(new ImageError(`${what}: blob ${digest} has ${seen} bytes, its descriptor declares ${size}`));
      else done();
    },
  });
}
