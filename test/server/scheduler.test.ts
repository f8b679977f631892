import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { MAX_INTERVAL_MS, Scheduler, type ScanOutcome, type ScanTarget } from '../../src/server/scheduler.js';
import { finding, report } from '../store/fixtures.js';

/** A scan that ends when the test says so, counting how many ran at once. */
function controlledTarget(name: string) {
  const pending: { resolve: (r: Report) => void; reject: (e: Error) => void }[] = [];
  let running = 0;
  let maxRunning = 0;
  let started = 0;
  const target: ScanTarget = {
    name,
    scan: () =>
      new Promise<Report>((resolve, reject) => {
        started++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        pending.push({
          resolve: (r) => {
            running--;
            resolve(r);
          },
          reject: (e) => {
            running--;
            reject(e);
          },
        });
      }),
  };
  return {
    target,
    pending,
    started: () => started,
    maxRunning: () => maxRunning,
    finish: () => pending.shift()!.resolve(report([finding('workload/privileged-container', name)])),
    fail: (message: string) => pending.shift()!.reject(new Error(message)),
  };
}

describe('scan scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('scans every target at start and again each interval', async () => {
    const a = controlledTarget('a');
    const b = controlledTarget('b');
    const outcomes: ScanOutcome[] = [];
    const scheduler = new Scheduler({ targets: [a.target, b.target], intervalMs: 60_000, onScan: (o) => void outcomes.push(o) });
    scheduler.start();
    expect([a.started(), b.started()]).toEqual([1, 1]);
    expect(scheduler.firstRoundDone()).toBe(false);
    a.finish();
    b.finish();
    await scheduler.idle();
    expect(scheduler.firstRoundDone()).toBe(true);
    expect(outcomes.map((o) => [o.target.name, o.ok])).toEqual([
      ['a', true],
      ['b', true],
    ]);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(a.started()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect([a.started(), b.started()]).toEqual([2, 2]);
    a.finish();
    b.finish();
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect([a.started(), b.started()]).toEqual([2, 2]);
  });

  it('never runs two scans of one target at once: a turn that finds the last scan running is skipped', async () => {
    const slow = controlledTarget('slow');
    const fast = controlledTarget('fast');
    const scheduler = new Scheduler({ targets: [slow.target, fast.target], intervalMs: 1000, onScan: () => {} });
    scheduler.start();
    for (let turn = 0; turn < 3; turn++) {
      fast.finish();
      await vi.advanceTimersByTimeAsync(1000);
    }
    await vi.advanceTimersByTimeAsync(500);
    // Three turns passed: the slow target's first scan still runs, the fast one scanned each turn.
    expect(slow.started()).toBe(1);
    expect(scheduler.stats('slow')).toMatchObject({ runs: 0, skipped: 3, running: true });
    expect(fast.started()).toBe(4);
    while (fast.pending.length) fast.finish();
    slow.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(slow.started()).toBe(2);
    expect(slow.maxRunning()).toBe(1);
    expect(fast.maxRunning()).toBe(1);
    slow.finish();
    while (fast.pending.length) fast.finish();
    await scheduler.stop();
  });

  it('reports a failed scan, keeps going, and scans the target again at the next interval', async () => {
    const flaky = controlledTarget('flaky');
    const outcomes: ScanOutcome[] = [];
    const logged: string[] = [];
    const scheduler = new Scheduler({
      targets: [flaky.target],
      intervalMs: 1000,
      log: (line) => logged.push(line),
      onScan: (o) => {
        outcomes.push(o);
        if (outcomes.length === 2) throw new Error('store is down');
      },
    });
    scheduler.start();
    flaky.fail('connect ECONNREFUSED 127.0.0.1:6443');
    await scheduler.idle();
    expect(outcomes[0]).toMatchObject({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6443' });
    expect(scheduler.stats('flaky')).toMatchObject({ runs: 1, failures: 1, lastError: 'connect ECONNREFUSED 127.0.0.1:6443' });
    await vi.advanceTimersByTimeAsync(1000);
    flaky.finish();
    await scheduler.idle();
    // The recovery arrives; an error thrown while handling it is logged, not fatal.
    expect(outcomes[1]).toMatchObject({ ok: true });
    expect(logged).toEqual(['flaky: store is down']);
    expect(scheduler.stats('flaky')).toMatchObject({ runs: 2, failures: 1 });
    expect(scheduler.stats('flaky')!.lastError).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    flaky.finish();
    await scheduler.idle();
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true]);
    await scheduler.stop();
  });

  it('refuses an interval longer than a timer can wait, which would fire at once and scan without pause', async () => {
    const a = controlledTarget('a');
    const onScan = () => {};
    expect(() => new Scheduler({ targets: [a.target], intervalMs: 25 * 86_400_000, onScan })).toThrow(RangeError);
    expect(() => new Scheduler({ targets: [a.target], intervalMs: MAX_INTERVAL_MS + 1, onScan })).toThrow(RangeError);
    const longest = new Scheduler({ targets: [a.target], intervalMs: MAX_INTERVAL_MS, onScan });
    longest.start();
    a.finish();
    await longest.idle();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.started()).toBe(1);
    await longest.stop();
  });

  it('counts a scan whose outcome could not be kept as failed, and clears that once one is kept', async () => {
    const a = controlledTarget('a');
    let keep = false;
    const scheduler = new Scheduler({ targets: [a.target], intervalMs: 1000, onScan: () => (keep ? undefined : 'the scan could not be saved: disk full') });
    scheduler.start();
    a.finish();
    await scheduler.idle();
    expect(scheduler.stats('a')).toMatchObject({ runs: 1, failures: 1, lastError: 'the scan could not be saved: disk full' });
    keep = true;
    await vi.advanceTimersByTimeAsync(1000);
    a.finish();
    await scheduler.idle();
    expect(scheduler.stats('a')).toMatchObject({ runs: 2, failures: 1 });
    expect(scheduler.stats('a')!.lastError).toBeUndefined();
    await scheduler.stop();
  });
});
