import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { RULES } from './fixture.js';
import { HOSTILE, pathsReport } from './paths-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

describe.skipIf(!available)('attack paths view of the html report in a browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-html-paths-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the paths as text, marks findings on paths, and a finding link opens its row', async () => {
    const file = join(dir, 'paths.html');
    writeFileSync(file, renderHtml(pathsReport(), { rules: RULES, color: false }));
    const page = await browser.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#paths li.path');

    expect(await page.isHidden('#paths-section')).toBe(false);
    expect(await page.textContent('#paths-summary')).toBe('2 attack paths: 1 critical, 1 high');
    expect(await page.$$eval('#paths > li.path h3', (hs) => hs.map((h) => h.textContent))).toEqual([
      'critical p-internet-web score 0.65: the internet → a node of the cluster',
      'high p-namespace-exporter score 0.32: a pod of another namespace → a node of the cluster',
    ]);
    const steps = await page.$$eval('#path-p-internet-web ol > li', (li) => li.map((l) => l.textContent ?? ''));
    expect(steps[0]).toBe(`connects to the public load balancer → Service shop/${HOSTILE}`);
    expect(await page.textContent('#path-p-internet-web .fix')).toContain('(closes 1 path)');
    expect(await page.textContent('#path-p-namespace-exporter .also')).toBe('The same way from: DaemonSet monitoring/other');
    expect(await page.$$('img')).toHaveLength(0);

    // Findings on paths come first at their severity, with their path count.
    const marks = await page.$$eval('#findings tbody tr.row', (rows) => rows.map((r) => r.querySelector('.on-paths')?.textContent ?? ''));
    expect(marks.filter(Boolean)).toEqual(['on 2 attack paths', 'on 1 attack path']);
    expect(await page.textContent('#findings tbody tr.row:first-child td.msg')).toContain('container app sets privileged: true');

    await page.click('#path-p-internet-web a.finding >> text=workload/host-network web');
    expect(await page.$eval('#f-rule', (s) => s.querySelector('option:checked')?.textContent)).toBe('workload/host-network');
    const opened = page.locator('#findings tbody tr.row[aria-expanded="true"]');
    expect(await opened.count()).toBe(1);
    expect(await opened.locator('td.msg').textContent()).toContain('pod sets hostNetwork: true');
    expect(await page.textContent('#findings tbody tr.detail')).toContain('onPaths');
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
