import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * The baseline of the webhook benchmark: an HTTPS handler that admits everything, started the way
 * the webhook is (a Node process of its own, run from the TypeScript sources) with the same TLS
 * options and certificate, doing what any webhook must: read the body, JSON.parse it, answer an
 * AdmissionReview. What the webhook costs beyond it is the decision. Prints the port on stderr in
 * the webhook's own words, so the benchmark starts both alike.
 *
 *   node --import tsx bench/webhook-baseline.ts CERT KEY
 */

const [certFile, keyFile] = process.argv.slice(2);
if (!certFile || !keyFile) {
  process.stderr.write('usage: webhook-baseline.ts CERT KEY\n');
  process.exit(2);
}

const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' }, (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 3 });
    res.end('ok\n');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    chunks.push(c);
    size += c.length;
  });
  req.on('end', () => {
    let uid = '';
    try {
      const body = JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as { request?: { uid?: unknown } };
      uid = typeof body.request?.uid === 'string' ? body.request.uid : '';
    } catch {
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': 2 });
      res.end('{}');
      return;
    }
    const text = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`baseline: listening on https://127.0.0.1:${(server.address() as AddressInfo).port}/validate\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
