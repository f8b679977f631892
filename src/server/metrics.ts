/**
 * Prometheus text exposition (format 0.0.4), written by hand: a few counters and one histogram do
 * not need a client library. Label values come from target names and are escaped as the format says.
 */

export type Labels = Record<string, string>;

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}

function number(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

/** One metric family's lines, HELP and TYPE first. */
export function family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: readonly { labels: Labels; value: number; suffix?: string }[]): string {
  const lines = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
  for (const s of samples) lines.push(`${name}${s.suffix ?? ''}${labelText(s.labels)} ${number(s.value)}`);
  return `${lines.join('\n')}\n`;
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1): void {
    const k = key(labels);
    const v = this.values.get(k);
    if (v) v.value += by;
    else this.values.set(k, { labels, value: by });
  }

  get(labels: Labels): number {
    return this.values.get(key(labels))?.value ?? 0;
  }

  render(): string {
    return family(this.name, 'counter', this.help, [...this.values.values()]);
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
  }

  render(): string {
    const samples: { labels: Labels; value: number; suffix: string }[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => samples.push({ labels: { ...s.labels, le: number(b) }, value: s.counts[i]!, suffix: '_bucket' }));
      samples.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, suffix: '_bucket' });
      samples.push({ labels: s.labels, value: s.sum, suffix: '_sum' });
      samples.push({ labels: s.labels, value: s.count, suffix: '_count' });
    }
    return family(this.name, 'histogram', this.help, samples);
  }
}
