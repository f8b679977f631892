/**
 * The webhook's Prometheus metrics, kept by hand in the text exposition format (version 0.0.4): four
 * families do not justify a client library, and every label value here comes from a small fixed set
 * (status codes, rule ids, three decisions), so the series stay bounded whatever the requests hold.
 */

/** Upper bounds of the latency histogram, in seconds: admission budgets are milliseconds. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export type Decision = 'denied' | 'warned' | 'audited';

export class WebhookMetrics {
  private readonly requests = new Map<string, number>();
  private readonly bucketCounts = LATENCY_BUCKETS.map(() => 0);
  private latencyCount = 0;
  private latencySum = 0;
  private readonly decisions = new Map<string, number>();
  private certificateExpiry: number | undefined;

  /** When the serving certificate now loaded stops being valid. */
  setCertificateExpiry(notAfter: Date): void {
    this.certificateExpiry = notAfter.getTime() / 1000;
  }

  /** One admission request (POST /validate) answered, with its status code and how long it took. */
  observeRequest(code: number, seconds: number): void {
    const key = String(code);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.latencyCount++;
    this.latencySum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= (LATENCY_BUCKETS[i] ?? Infinity)) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
  }

  /** One rule's violation turned into a decision. */
  observeDecision(rule: string, decision: Decision): void {
    const key = `${rule}\u0000${decision}`;
    this.decisions.set(key, (this.decisions.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines: string[] = [
      '# HELP palisade_webhook_requests_total Admission requests (/validate) answered, by status code; probes and scrapes are not counted.',
      '# TYPE palisade_webhook_requests_total counter',
    ];
    for (const [code, n] of [...this.requests].sort()) lines.push(`palisade_webhook_requests_total{code="${code}"} ${n}`);
    lines.push(
      '# HELP palisade_webhook_request_duration_seconds Time from an admission request to the end of its answer.',
      '# TYPE palisade_webhook_request_duration_seconds histogram',
    );
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`palisade_webhook_request_duration_seconds_bucket{le="${le}"} ${this.bucketCounts[i] ?? 0}`));
    lines.push(
      `palisade_webhook_request_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
      `palisade_webhook_request_duration_seconds_sum ${this.latencySum}`,
      `palisade_webhook_request_duration_seconds_count ${this.latencyCount}`,
      '# HELP palisade_webhook_decisions_total Rule violations by rule and by what the webhook did with them.',
      '# TYPE palisade_webhook_decisions_total counter',
    );
    for (const [key, n] of [...this.decisions].sort()) {
      const [rule = '', decision = ''] = key.split('\u0000');
      lines.push(`palisade_webhook_decisions_total{rule="${escapeLabel(rule)}",decision="${decision}"} ${n}`);
    }
    if (this.certificateExpiry !== undefined) {
      // Past this every call fails TLS and failurePolicy Ignore admits everything unchecked: alert well before.
      lines.push(
        '# HELP palisade_webhook_certificate_expiry_timestamp_seconds When the serving certificate expires (notAfter), as a Unix time.',
        '# TYPE palisade_webhook_certificate_expiry_timestamp_seconds gauge',
        `palisade_webhook_certificate_expiry_timestamp_seconds ${this.certificateExpiry}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
