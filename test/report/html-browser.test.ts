import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { summarize, type Report } from '../../src/core/report.js';
import { renderHtml } from '../../src/report/html.js';
import { fixtureReport, RULES } from './fixture.js';
import { hostileReport } from './html-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`html browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const OPTIONS = { rules: RULES, color: false };

interface Loaded {
  page: Page;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

describe.skipIf(!available)('html report in a browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-html-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function load(report: Report, name: string): Promise<Loaded> {
    const file = join(dir, name);
    writeFileSync(file, renderHtml(report, OPTIONS));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage();
    const loaded: Loaded = { page, consoleErrors: [], requests: [], dialogs: [] };
    page.on('console', (m) => {
      if (m.type() === 'error') loaded.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => loaded.consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) loaded.requests.push(r.url());
    });
    page.on('dialog', (d) => {
      loaded.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('#findings tbody tr.row, #shown');
    return loaded;
  }

  function rowCount(page: Page): Promise<number> {
    return page.locator('#findings tbody tr.row').count();
  }

  async function column(page: Page, n: number): Promise<string[]> {
    return page.$$eval(`#findings tbody tr.row td:nth-child(${n})`, (cells) => cells.map((c) => c.textContent ?? ''));
  }

  it('shows the header, filters by severity, searches, and expands a finding without errors or requests', async () => {
    const report = fixtureReport();
    const { page, consoleErrors, requests } = await load(report, 'fixture.html');
    const active = report.findings.filter((f) => f.suppressed === undefined);

    // The fixture has input errors: no score, as in the table and Markdown.
    expect(await page.textContent('#score')).toBe('Scan incomplete: what could not be read was not checked, so there is no score');
    expect(await page.textContent('#meta')).toContain('palisade 0.1.0');
    expect(await page.textContent('#baseline')).toContain('baseline.json');
    expect(await page.$$eval('#errors li', (li) => li.length)).toBe(2);
    expect(await page.$$('#findings tbody tr.row')).toHaveLength(active.length);

    await page.selectOption('#f-severity', { label: 'high' });
    const severities = await column(page, 1);
    expect(severities.length).toBe(active.filter((f) => f.severity === 'high').length);
    expect(new Set(severities)).toEqual(new Set(['high']));

    await page.selectOption('#f-severity', { label: 'all' });
    await page.fill('#f-text', 'prod-aks');
    await expect.poll(() => rowCount(page)).toBe(1);
    expect(await column(page, 6)).toEqual(['cluster prod-aks has disableLocalAccounts: false']);

    await page.fill('#f-text', '');
    await expect.poll(() => rowCount(page)).toBe(active.length);
    const target = active.find((f) => f.location !== undefined && f.verify !== undefined)!;
    await page.fill('#f-text', target.message);
    await expect.poll(() => rowCount(page)).toBeGreaterThanOrEqual(1);
    await page.click('#findings tbody tr.row');
    const detail = await page.textContent('#findings tbody tr.detail');
    expect(detail).toContain(target.message);
    expect(detail).toContain(`${target.location!.file}:${target.location!.line}`);
    expect(detail).toContain(target.remediation);
    expect(detail).toContain(target.verify);
    expect(detail).toContain('Evidence');

    await page.click('th[data-sort="rule"]');
    expect(await page.getAttribute('th[data-sort="rule"]', 'aria-sort')).toBe('ascending');

    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('shows hostile names and annotations as text: nothing runs, no element is injected', async () => {
    const { page, consoleErrors, requests, dialogs } = await load(hostileReport(), 'hostile.html');
    await page.fill('#f-text', '<script>');
    await expect.poll(() => rowCount(page)).toBe(1);
    expect(await column(page, 4)).toEqual([expect.stringContaining('<script>alert(1)</script>')]);
    await page.click('#findings tbody tr.row');
    expect(await page.textContent('#findings tbody tr.detail')).toContain('x</script><img src=x onerror=alert(2)><!--');
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('script')).toHaveLength(2);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('opens a report of 200,000 findings with a page of rows and a "show more" button', async () => {
    const base = fixtureReport().findings.filter((f) => f.suppressed === undefined);
    const findings: Finding[] = [];
    for (let i = 0; i < 200_000; i++) {
      const f = base[i % base.length]!;
      findings.push({ ...f, id: `${f.id}-${i}`, resource: { ...f.resource, name: `${f.resource.name}-${i}` }, baseline: undefined });
    }
    const report: Report = { ...fixtureReport(), findings, summary: summarize(findings, 50_000), baseline: undefined };
    const started = Date.now();
    const { page, consoleErrors, requests } = await load(report, 'large.html');
    const openMs = Date.now() - started;
    expect(await page.$$('#findings tbody tr.row')).toHaveLength(500);
    expect(await page.textContent('#shown')).toContain('of 200000 matching');
    await page.click('#more');
    expect(await page.$$('#findings tbody tr.row')).toHaveLength(1000);
    await page.fill('#f-text', '-199999');
    await expect.poll(() => page.textContent('#shown'), { timeout: 10_000 }).toMatch(/^Showing 1 of 1 /);
    expect(openMs).toBeLessThan(20_000);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);
});
