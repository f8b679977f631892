import { errorMessage } from '../core/errors.js';
import type { Report } from '../core/report.js';

/** Something `serve` scans on the interval: a kube context, an AKS cluster, or a set of paths. */
export interface ScanTarget {
  /** The name scans are stored under. */
  name: string;
  /** Whether the target is a live cluster (PolicyReports can be written back to it). */
  cluster?: { context?: string };
  scan(): Promise<Report>;
}

export type ScanOutcome =
  | { target: ScanTarget; ok: true; report: Report; seconds: number }
  | { target: ScanTarget; ok: false; error: string; seconds: number };

/** The longest delay a Node.js timer keeps (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

export interface SchedulerOptions {
  targets: readonly ScanTarget[];
  intervalMs: number;
  /**
   * Called after each scan, success or failure, before the next one of that target may start. A
   * scan read well but not kept (the store refused the save) returns why: the target's last scan
   * then counts as failed, as one that could not be read does.
   */
  onScan: (outcome: ScanOutcome) => Promise<string | void> | string | void;
  /** Where failures of `onScan` itself are told; the schedule goes on. */
  log?: (message: string) => void;
  /** The clock, for tests. */
  now?: () => number;
}

interface TargetState {
  running: Promise<void> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Finished scans, failed ones included. */
  runs: number;
  failures: number;
  /** Timer fires that found the previous scan still running. */
  skipped: number;
  lastError: string | undefined;
}

/**
 * Scans every target at start and then every interval, each target on its own timer, so a slow
 * cluster does not delay the others. A target never has two scans at once: when its timer fires while
 * its scan still runs, that turn is skipped. A failed scan is told to `onScan` and the next turn
 * tries again; nothing a scan throws stops the schedule.
 */
export class Scheduler {
  private readonly state = new Map<string, TargetState>();
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {
    if (!(options.intervalMs >= 1 && options.intervalMs <= MAX_INTERVAL_MS)) throw new RangeError(`the interval must be from 1 ms to ${MAX_INTERVAL_MS} ms, not ${options.intervalMs}`);
    for (const t of options.targets) this.state.set(t.name, { running: undefined, timer: undefined, runs: 0, failures: 0, skipped: 0, lastError: undefined });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const t of this.options.targets) this.turn(t);
  }

  /** Stops the timers and waits for the scans under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.state.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = undefined;
    }
    await Promise.all([...this.state.values()].map((s) => s.running));
  }

  /** Finished scans of a target (failures included), failures, and turns skipped because a scan was still running. */
  stats(name: string): { runs: number; failures: number; skipped: number; running: boolean; lastError?: string } | undefined {
    const s = this.state.get(name);
    if (!s) return undefined;
    return { runs: s.runs, failures: s.failures, skipped: s.skipped, running: s.running !== undefined, ...(s.lastError !== undefined ? { lastError: s.lastError } : {}) };
  }

  /** Has every target finished its first scan (success or failure)? */
  firstRoundDone(): boolean {
    return [...this.state.values()].every((s) => s.runs > 0);
  }

  /** Waits until the scans under way end (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.state.values()].map((s) => s.running));
  }

  private turn(target: ScanTarget): void {
    if (this.stopped) return;
    const s = this.state.get(target.name)!;
    s.timer = setTimeout(() => this.turn(target), this.options.intervalMs);
    // Keep the process alive only through the HTTP server, not the timer.
    s.timer.unref?.();
    if (s.running) {
      s.skipped++;
      return;
    }
    s.running = this.run(target, s).finally(() => (s.running = undefined));
  }

  private async run(target: ScanTarget, s: TargetState): Promise<void> {
    const now = this.options.now ?? (() => performance.now());
    const started = now();
    let outcome: ScanOutcome;
    try {
      const report = await target.scan();
      outcome = { target, ok: true, report, seconds: (now() - started) / 1000 };
    } catch (e) {
      outcome = { target, ok: false, error: errorMessage(e), seconds: (now() - started) / 1000 };
    }
    let notKept: string | void = undefined;
    try {
      notKept = await this.options.onScan(outcome);
    } catch (e) {
      this.options.log?.(`${target.name}: ${errorMessage(e)}`);
    }
    const failure = outcome.ok ? (typeof notKept === 'string' ? notKept : undefined) : outcome.error;
    if (failure !== undefined) s.failures++;
    s.lastError = failure;
    s.runs++;
  }
}
