import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE, startTestServer, type TestServer } from './server-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`dashboard browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** Screenshots are kept as test artifacts: PALISADE_TEST_ARTIFACTS when set, else a fixed folder under the temp directory. */
const ARTIFACTS = join(process.env.PALISADE_TEST_ARTIFACTS ?? join(tmpdir(), 'palisade-test-artifacts'), 'dashboard');

describe.skipIf(!available)('dashboard in a browser', () => {
  let browser: Browser;
  let t: TestServer;
  let page: Page;
  const consoleErrors: string[] = [];
  const foreign: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(`${t.server.url}/`)) foreign.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${t.server.url}/`);
    await page.waitForSelector('#findings tbody tr.row');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rows = () => page.locator('#findings tbody tr.row').count();
  const column = (n: number) => page.$$eval(`#findings tbody tr.row td:nth-child(${n})`, (cells) => cells.map((c) => c.textContent ?? ''));

  it('shows the targets, the score trend per pillar, what is new and fixed, and the attack paths', async () => {
    expect(await page.$$eval('#targets tbody tr', (trs) => trs.map((tr) => tr.children[0]!.textContent))).toEqual(['prod', 'staging']);
    expect(await page.inputValue('#target')).toBe('prod');
    expect(await page.textContent('#score')).toMatch(/^Score \d+\/100$/);
    await page.waitForSelector('#trend svg');
    expect(await page.$$eval('#trend svg g[data-series]', (gs) => gs.map((g) => g.getAttribute('data-series')))).toEqual([
      'all',
      'images',
      'access',
      'network',
      'configuration',
      'monitoring',
      'addons',
    ]);
    expect(await page.$$eval('#trend svg g[data-series="all"] circle', (c) => c.length)).toBe(2);
    expect(await page.$$eval('#trend svg g[data-series="all"] polyline', (c) => c.length)).toBe(1);
    await expect.poll(() => page.textContent('#diff-summary')).toBe(`1 new and 1 fixed since scan ${t.ids.prod1}.`);
    expect(await page.textContent('#new')).toContain('network/exposed-service');
    expect(await page.textContent('#fixed')).toContain('workload/host-path-volume');
    expect(await page.isVisible('#paths-section')).toBe(true);
    const paths = await page.textContent('#paths');
    expect(paths).toContain(`the internet \u2192 cluster admin ${HOSTILE}`);
    expect(paths).toContain('escapes the privileged container to the node [workload/privileged-container]');
    expect(paths).toContain('Fix: make the Service internal (closes 1)');
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
  });

  it('filters the findings by severity, pillar, rule and namespace, and searches them', async () => {
    expect(await rows()).toBe(4);
    await page.selectOption('#f-severity', 'high');
    await expect.poll(rows).toBe(2);
    expect(await column(1)).toEqual(['critical', 'high']);
    await page.selectOption('#f-severity', '');
    await page.selectOption('#f-pillar', 'access');
    await expect.poll(rows).toBe(1);
    expect(await column(2)).toEqual(['rbac/cluster-admin-binding']);
    await page.selectOption('#f-pillar', '');
    await page.selectOption('#f-rule', 'workload/missing-limits');
    await expect.poll(rows).toBe(1);
    expect(await column(4)).toEqual(['Deployment cache']);
    await page.selectOption('#f-rule', '');
    await page.selectOption('#f-namespace', { label: '(cluster-scoped)' });
    await expect.poll(rows).toBe(1);
    expect(await column(4)).toEqual(['ClusterRoleBinding ops']);
    await page.selectOption('#f-namespace', 'payments');
    await expect.poll(rows).toBe(1);
    await page.selectOption('#f-namespace', '*');
    await expect.poll(rows).toBe(4);
    await page.fill('#f-text', 'cache');
    await expect.poll(rows).toBe(1);
    expect(await page.textContent('#shown')).toBe('Showing 1 of 1 matching finding.');
    await page.screenshot({ path: join(ARTIFACTS, 'filtered.png'), fullPage: true });
    await page.fill('#f-text', '');
    await expect.poll(rows).toBe(4);
  });

  it('shows hostile finding text as text and expands evidence, remediation and the verify command', async () => {
    await page.fill('#f-text', 'onerror');
    await expect.poll(rows).toBe(1);
    expect(await column(4)).toEqual([`Service svc${HOSTILE}`]);
    await page.click('#findings tbody tr.row');
    const detail = await page.textContent('#findings tbody tr.detail');
    expect(detail).toContain(`service exposes ${HOSTILE}</script><script>window.__xss=2</script>`);
    expect(detail).toContain('Evidence');
    expect(detail).toContain(`"annotation": "${HOSTILE.replace(/"/g, '\\"')}"`);
    expect(detail).toContain('Remediationset it to false');
    expect(detail).toContain("kubectl get service -n payments -o jsonpath='{.spec.type}'");
    await page.screenshot({ path: join(ARTIFACTS, 'finding-detail.png'), fullPage: true });
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('script')).toHaveLength(2);
    await page.fill('#f-text', '');
    await expect.poll(rows).toBe(4);
  });

  it('switches to another target', async () => {
    await page.selectOption('#target', 'staging');
    await expect.poll(rows).toBe(1);
    expect(await column(4)).toEqual(['Deployment api']);
    await expect.poll(() => page.textContent('#diff-summary')).toBe('First scan of this target: every finding is new (1).');
    expect(await page.isVisible('#paths-section')).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'second-target.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
