import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';

/** One answer of the API server, its body decompressed and decoded. */
export interface KubeAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** The answer was larger than the reader accepts; the connection was cut. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/** The server did not answer (or stopped answering) within the time allowed. */
export class NoAnswer extends Error {
  override name = 'NoAnswer';
  readonly code = 'ETIMEDOUT';
}

export interface GetOptions {
  /** Request options with the kubeconfig's TLS material, agent and headers already applied. */
  options: RequestOptions;
  url: URL;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

function sizeText(bytes: number): string {
  if (bytes >= 1 << 20) return `${Math.round(bytes / (1 << 20))} MiB`;
  if (bytes >= 1 << 10) return `${Math.round(bytes / (1 << 10))} KiB`;
  return `${bytes} bytes`;
}

function decoder(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * One GET through node's own client, so that the body is the JSON the server sent (the generated API
 * classes of the client library turn it into models, dropping fields they do not know). The body is
 * bounded after decompression: a compressed answer cannot grow past `maxBytes` in memory.
 */
export function get({ options, url, maxBytes, timeoutMs, signal }: GetOptions): Promise<KubeAnswer> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        ...options,
        method: 'GET',
        protocol: url.protocol,
        // URL keeps IPv6 hosts in brackets; the socket wants the bare address.
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const decode = decoder(res.headers['content-encoding']);
        const body = decode ? res.pipe(decode) : res;
        const chunks: Buffer[] = [];
        let size = 0;
        const fail = (e: Error) => {
          res.destroy();
          decode?.destroy();
          reject(e);
        };
        body.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new BodyTooLarge(`the answer is larger than ${sizeText(maxBytes)}`));
          else chunks.push(chunk);
        });
        body.on('error', fail);
        res.on('error', fail);
        body.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new NoAnswer(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end();
  });
}
