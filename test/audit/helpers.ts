import type { Alert } from '../../src/audit/alert.js';
import type { InputKind } from '../../src/audit/adapters/records.js';
import type { Detector } from '../../src/audit/detector.js';
import { AuditEngine, type EngineOptions } from '../../src/audit/engine.js';
import type { AuditSettings } from '../../src/audit/settings.js';
import { readInput } from '../../src/audit/stream.js';

/** An audit.k8s.io/v1 Event with sensible defaults; `over` replaces top-level fields. */
export function auditEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `id-${Math.random().toString(36).slice(2)}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/pods',
    verb: 'create',
    user: { username: 'alice@contoso.com', groups: ['system:authenticated'] },
    sourceIPs: ['203.0.113.7'],
    userAgent: 'kubectl/v1.31.2',
    objectRef: { resource: 'pods', namespace: 'shop', name: 'web', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: '2026-11-02T10:00:00.000000Z',
    stageTimestamp: '2026-11-02T10:00:00.010000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...over,
  };
}

/** A pod create whose body has `spec`. */
export function podCreate(spec: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  const ns = (over.namespace as string | undefined) ?? 'shop';
  const { namespace: _ns, ...rest } = over;
  return auditEvent({
    requestURI: `/api/v1/namespaces/${ns}/pods`,
    objectRef: { resource: 'pods', namespace: ns, name: 'web', apiVersion: 'v1' },
    requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web', namespace: ns }, spec },
    user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
    ...rest,
  });
}

export interface Run {
  alerts: Alert[];
  engine: AuditEngine;
  warnings: string[];
}

/** Runs parsed events straight through an engine. */
export function runEvents(events: ReadonlyArray<Record<string, unknown>>, opts: Partial<EngineOptions> & { settings?: AuditSettings; detectors?: readonly Detector[] } = {}): Run {
  const alerts: Alert[] = [];
  const warnings: string[] = [];
  const engine = new AuditEngine({ onWarning: (w) => warnings.push(w), ...opts, onAlert: (a) => alerts.push(a) });
  events.forEach((e, i) => engine.event(structuredClone(e), { file: 'test', line: i + 1 }));
  engine.end();
  return { alerts, engine, warnings };
}

/** Reads text through the whole input path (decoder, unwrapping, engine), in pieces of `piece` characters. */
export async function runText(text: string, kind: InputKind = 'auto', opts: Partial<EngineOptions> & { piece?: number } = {}): Promise<Run> {
  const alerts: Alert[] = [];
  const warnings: string[] = [];
  const engine = new AuditEngine({ onWarning: (w) => warnings.push(w), ...opts, onAlert: (a) => alerts.push(a) });
  const piece = opts.piece ?? 1 << 16;
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += piece) yield text.slice(i, i + piece);
  }
  await readInput(chunks(), 'input', kind, engine);
  engine.end();
  return { alerts, engine, warnings };
}

export function jsonl(events: ReadonlyArray<unknown>): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** Alerts of one rule. */
export function of(alerts: readonly Alert[], rule: string): Alert[] {
  return alerts.filter((a) => a.rule === rule);
}
