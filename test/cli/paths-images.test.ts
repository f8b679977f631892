import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internetFacingWorkload } from '../analyses/paths/estates.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { importZlibAdvisory, pushZlibImage } from '../helpers/zlib-image.js';
import { startFakeRegistry, type FakeRegistry } from '../ingest/image/fake-registry.js';

let registry: FakeRegistry;
let db: string;

beforeAll(async () => {
  registry = await startFakeRegistry();
  await pushZlibImage(registry, 'shop/web', '1.0', '1:1.2.13.dfsg-1');
  db = await importZlibAdvisory();
});

afterAll(async () => {
  await registry?.close();
});


interface Paths {
  paths: { entryPoint: string; target: { kind: string }; steps: { rule?: string; text: string }[] }[];
  errors: unknown[];
}

describe('palisade paths --images', () => {
  it('pulls the images the workloads name: their exploitable vulnerabilities become steps', async () => {
    const dir = tempTree({ 'web.yaml': internetFacingWorkload(`${registry.host}/shop/web:1.0`) });
    const without = JSON.parse((await runCli(['paths', 'web.yaml', '-f', 'json', '--fail-on', 'none'], { cwd: dir })).stdout) as Paths;
    const internet = (p: Paths) => p.paths.find((x) => x.entryPoint === 'internet' && x.target.kind === 'node')!;
    expect(internet(without).steps.map((s) => s.rule)).not.toContain('image/vulnerable-package');

    const r = await runCli(['paths', 'web.yaml', '--images', '--db', db, '-f', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const withImages = JSON.parse(r.stdout) as Paths;
    expect(withImages.errors).toEqual([]);
    const path = internet(withImages);
    expect(path.steps.map((s) => s.rule)).toEqual(['network/load-balancer-without-source-ranges', 'image/vulnerable-package', 'workload/privileged-container']);
  });

  it('reports an image it cannot pull as an input error (exit 2)', async () => {
    const dir = tempTree({ 'web.yaml': internetFacingWorkload(`${registry.host}/shop/missing:1.0`) });
    const r = await runCli(['paths', 'web.yaml', '--images', '--db', db, '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { errors: { source: string; message: string }[] };
    expect(report.errors).toEqual([expect.objectContaining({ source: `${registry.host}/shop/missing:1.0`, message: expect.stringContaining('image not scanned') })]);
  });
});
