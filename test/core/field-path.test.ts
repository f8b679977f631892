import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKey, splitPath, stableField } from '../../src/core/field-path.js';

describe('field paths', () => {
  it('splits keys and indices', () => {
    expect(splitPath('spec.containers[0].ports[12].hostPort')).toEqual(['spec', 'containers', 0, 'ports', 12, 'hostPort']);
  });
  it('honours escaped dots in map keys', () => {
    expect(splitPath(`metadata.annotations.${escapeKey('container.apparmor.security.beta.kubernetes.io/app')}`)).toEqual([
      'metadata',
      'annotations',
      'container.apparmor.security.beta.kubernetes.io/app',
    ]);
  });
  it('round-trips any key', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        fc.pre(key !== '' && !/\[\d+\]/.test(key));
        expect(splitPath(`data.${escapeKey(key)}`)).toEqual(['data', key]);
      }),
    );
  });
});

describe('stable field paths for finding ids', () => {
  const pod = {
    spec: {
      containers: [{ name: 'istio-proxy' }, { name: 'app', env: [{ name: 'TOKEN', value: 's3cret' }], ports: [{ containerPort: 80 }] }],
      volumes: [{ name: 'data', hostPath: { path: '/' } }],
    },
  };

  it('names list elements by their name, kind and namespace instead of their position', () => {
    expect(stableField(pod, 'spec.containers[1].securityContext.privileged')).toBe('spec.containers[@//app].securityContext.privileged');
    expect(stableField(pod, 'spec.containers[1].env[0].value')).toBe('spec.containers[@//app].env[@//TOKEN].value');
    expect(stableField({ subjects: [{ kind: 'ServiceAccount', namespace: 'default', name: 'default' }] }, 'subjects[0]')).toBe('subjects[@ServiceAccount/default/default]');
  });

  it('keeps the index of elements without a name, of paths that leave the object, and never uses a value', () => {
    expect(stableField(pod, 'spec.containers[1].ports[0].hostPort')).toBe('spec.containers[@//app].ports[0].hostPort');
    expect(stableField(pod, 'spec.initContainers[0].image')).toBe('spec.initContainers[0].image');
    expect(stableField({ args: ['--password=s3cret'] }, 'args[0]')).toBe('args[0]');
    expect(stableField(pod, 'spec.hostNetwork')).toBe('spec.hostNetwork');
    expect(stableField(pod, undefined)).toBeUndefined();
  });

  it('names plain values by themselves, so an inserted entry moves no finding and a changed one makes a new id', () => {
    const caps = (add: unknown[]) => ({ spec: { containers: [{ name: 'app', securityContext: { capabilities: { add } } }] } });
    const field = (i: number) => `spec.containers[0].securityContext.capabilities.add[${i}]`;
    expect(stableField(caps(['NET_ADMIN']), field(0))).toBe('spec.containers[@//app].securityContext.capabilities.add[=NET_ADMIN]');
    expect(stableField(caps(['SYS_ADMIN', 'NET_ADMIN']), field(1))).toBe(stableField(caps(['NET_ADMIN']), field(0)));
    expect(stableField(caps(['SYS_ADMIN']), field(0))).not.toBe(stableField(caps(['NET_ADMIN']), field(0)));
    expect(stableField({ spec: { supplementalGroups: [1000, 0] } }, 'spec.supplementalGroups[1]')).toBe('spec.supplementalGroups[=0]');
    expect(stableField({ spec: { loadBalancerSourceRanges: ['10.0.0.0/8'] } }, 'spec.loadBalancerSourceRanges[0]')).toBe('spec.loadBalancerSourceRanges[=10.0.0.0/8]');
  });

  it('numbers the repeats of a value and escapes what would read as a repeat or the end of the brackets', () => {
    const list = (add: unknown[]) => ({ add });
    expect(['add[0]', 'add[1]', 'add[2]'].map((f) => stableField(list(['NET_RAW', 'BPF', 'NET_RAW']), f))).toEqual(['add[=NET_RAW]', 'add[=BPF]', 'add[=NET_RAW#2]']);
    expect(stableField(list(['NET_RAW#2']), 'add[0]')).toBe('add[=NET_RAW\\#2]');
    expect(stableField(list(['a]b']), 'add[0]')).toBe('add[=a\\]b]');
    // Not a plain value: the index stays.
    expect(stableField(list([null, ['x']]), 'add[0]')).toBe('add[0]');
    expect(stableField(list([null, ['x']]), 'add[1]')).toBe('add[1]');
  });

  it('keeps the index of command-line words, which may hold a secret, wherever the command is', () => {
    expect(stableField({ command: ['sh', '-c', 'run --token=s3cret'] }, 'command[2]')).toBe('command[2]');
    const probe = { spec: { containers: [{ name: 'app', livenessProbe: { exec: { command: ['check', 's3cret'] } } }] } };
    expect(stableField(probe, 'spec.containers[0].livenessProbe.exec.command[1]')).toBe('spec.containers[@//app].livenessProbe.exec.command[1]');
  });

  it('escapes map keys with dots, so two paths never become one', () => {
    const obj = { data: { 'a.b': [{ name: 'x' }] } };
    expect(stableField(obj, `data.${escapeKey('a.b')}[0]`)).toBe('data.a\\.b[@//x]');
  });
});
