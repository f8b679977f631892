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

  it('escapes map keys with dots, so two paths never become one', () => {
    const obj = { data: { 'a.b': [{ name: 'x' }] } };
    expect(stableField(obj, `data.${escapeKey('a.b')}[0]`)).toBe('data.a\\.b[@//x]');
  });
});
