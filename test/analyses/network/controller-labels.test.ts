import { describe, expect, it } from 'vitest';
import { ASSIGNED_AT_RUNTIME, controllerKeysSelected, runningLabelSets } from '../../../src/analyses/network/controller-labels.js';
import { Inventory } from '../../../src/core/inventory.js';
import { podOf } from '../../../src/core/workload.js';
import { cronJob, netpol, resource, workload, type Json } from './fixtures.js';

const keysOf = (...objects: Json[]) => controllerKeysSelected(new Inventory(objects.map((o) => resource(o))));
const setsOf = (object: Json, keys: Iterable<string>) => runningLabelSets(podOf(resource(object))!, new Set(keys));

describe('controllerKeysSelected', () => {
  it('collects the controller keys pod selectors read: the policy, its peers and Service selectors', () => {
    const keys = keysOf(
      netpol('ns', 'a', { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'kafka-0', app: 'kafka' } } }),
      netpol('ns', 'b', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'job-name', operator: 'Exists' }] } }] }] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { selector: { 'apps.kubernetes.io/pod-index': '0' } } },
    );
    expect([...keys].sort()).toEqual(['apps.kubernetes.io/pod-index', 'job-name', 'statefulset.kubernetes.io/pod-name']);
  });

  it('is empty when selectors read only the templates\' own labels', () => {
    expect(keysOf(netpol('ns', 'a', { podSelector: { matchLabels: { app: 'web' } } })).size).toBe(0);
  });
});

describe('runningLabelSets', () => {
  it('adds nothing when no selector reads a controller key', () => {
    expect(setsOf(workload('Job', 'ns', 'migrate', { app: 'm' }), [])).toEqual([{ app: 'm' }]);
  });

  it('gives a Job its name, and a uid no selector can name', () => {
    expect(setsOf(workload('Job', 'ns', 'migrate', { app: 'm' }), ['job-name', 'batch.kubernetes.io/job-name', 'controller-uid'])).toEqual([
      { app: 'm', 'job-name': 'migrate', 'batch.kubernetes.io/job-name': 'migrate', 'controller-uid': ASSIGNED_AT_RUNTIME },
    ]);
  });

  it('adds nothing to a Job that picks its pods itself (manualSelector)', () => {
    const job = workload('Job', 'ns', 'migrate', { app: 'm' });
    (job.spec as Record<string, unknown>).manualSelector = true;
    expect(setsOf(job, ['job-name'])).toEqual([{ app: 'm' }]);
  });

  it('gives a CronJob\'s pods a job name chosen when it fires', () => {
    expect(setsOf(cronJob('ns', 'report', { app: 'r' }), ['job-name'])).toEqual([{ app: 'r', 'job-name': ASSIGNED_AT_RUNTIME }]);
  });

  it('gives a Deployment\'s pods their template hash', () => {
    expect(setsOf(workload('Deployment', 'ns', 'web', { app: 'w' }), ['pod-template-hash', 'job-name'])).toEqual([{ app: 'w', 'pod-template-hash': ASSIGNED_AT_RUNTIME }]);
  });

  it('gives each StatefulSet replica its name and index, one label set per pod', () => {
    const sts = workload('StatefulSet', 'ns', 'kafka', { app: 'k' });
    (sts.spec as Record<string, unknown>).replicas = 3;
    expect(setsOf(sts, ['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'])).toEqual([0, 1, 2].map((i) => ({ app: 'k', 'statefulset.kubernetes.io/pod-name': `kafka-${i}`, 'apps.kubernetes.io/pod-index': String(i) })));
  });

  it('reads a StatefulSet scaled to zero, or with replicas unset, as one pod, and bounds a hostile count', () => {
    const sts = (replicas: unknown) => {
      const o = workload('StatefulSet', 'ns', 'db', {});
      if (replicas !== undefined) (o.spec as Record<string, unknown>).replicas = replicas;
      return setsOf(o, ['statefulset.kubernetes.io/pod-name']);
    };
    expect(sts(undefined)).toEqual([{ 'statefulset.kubernetes.io/pod-name': 'db-0' }]);
    expect(sts(0)).toHaveLength(1);
    expect(sts('{{ .Values.replicas }}')).toHaveLength(1);
    expect(sts(1e9)).toHaveLength(1000);
  });

  it('keeps a label the template already sets', () => {
    expect(setsOf(workload('Job', 'ns', 'migrate', { 'job-name': 'custom' }), ['job-name'])).toEqual([{ 'job-name': 'custom' }]);
  });
});
