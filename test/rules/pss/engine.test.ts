import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { runRule } from '../../../src/core/rule.js';
import { toResource, type Resource } from '../../../src/core/resource.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { podOf, type PodView } from '../../../src/core/workload.js';
import { LATEST_PSS_VERSION, parsePssVersion, type PssLevel, type PssVersion } from '../../../src/rules/pss/check.js';
import { effectiveChecks, evaluatePod, PSS_RULES } from '../../../src/rules/pss/index.js';
import { parseResources } from '../../helpers/rule-tester.js';
import { container, deployment, ephemeral, pod, RESTRICTED_SC } from './manifests.js';

function view(yaml: string): PodView {
  const [resource] = parseResources(yaml);
  const v = resource && podOf(resource);
  if (!v) throw new Error('test input has no pod');
  return v;
}

function version(text: string): PssVersion {
  const v = parsePssVersion(text);
  if (!v) throw new Error(`bad version ${text}`);
  return v;
}

function messageOf(yaml: string, level: PssLevel, check: string, at = 'latest'): string | undefined {
  return evaluatePod(view(yaml), level, version(at)).violations.find((v) => v.check === check)?.message;
}

describe('parsePssVersion', () => {
  it('reads latest, vX.Y and X.Y', () => {
    expect(parsePssVersion('latest')).toEqual(LATEST_PSS_VERSION);
    expect(LATEST_PSS_VERSION).toEqual([1, 37]);
    expect(parsePssVersion('v1.30')).toEqual([1, 30]);
    expect(parsePssVersion('1.30')).toEqual([1, 30]);
    expect(parsePssVersion('v1.0')).toEqual([1, 0]);
    expect(parsePssVersion('v1.8')).toEqual([1, 8]);
  });

  it('treats versions newer than the newest known like the newest', () => {
    expect(parsePssVersion('v1.38')).toEqual(LATEST_PSS_VERSION);
    expect(parsePssVersion('v1.99')).toEqual(LATEST_PSS_VERSION);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'Latest', 'LATEST', 'v1', '1', 'v1.', 'v1.30.2', 'v2.0', '2.0', 'v1.025', 'v0.9', ' v1.30', 'v1.30 ', 'vv1.30', 'V1.30', 'v1.x', 'v-1.2', 'v1.-2', 'one.two', 'v1,30'])
      expect(parsePssVersion(text), text).toBeUndefined();
  });

  it('refuses major version 0', () => {
    expect(parsePssVersion('v0.9')).toBeUndefined();
    expect(parsePssVersion('0.30')).toBeUndefined();
    expect(parsePssVersion('v0.0')).toBeUndefined();
  });
});

describe('effectiveChecks', () => {
  const ids = (level: PssLevel, at: string) => effectiveChecks(level, version(at)).map((c) => c.id).sort();
  const BASELINE_1_0 = ['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess'];
  const BASELINE_1_34 = [...BASELINE_1_0, 'hostProbesAndHostLifecycle'].sort();

  it('baseline: the same eleven checks until v1.34 adds hostProbesAndHostLifecycle', () => {
    for (const at of ['v1.0', 'v1.19', 'v1.22', 'v1.25', 'v1.33']) expect(ids('baseline', at), at).toEqual(BASELINE_1_0);
    for (const at of ['v1.34', 'v1.35', 'latest']) expect(ids('baseline', at), at).toEqual(BASELINE_1_34);
  });

  it('baseline never runs a restricted check', () => {
    for (const at of ['v1.0', 'v1.25', 'latest']) expect(effectiveChecks('baseline', version(at)).every((c) => c.level === 'baseline')).toBe(true);
  });

  it('restricted at v1.0: restrictedVolumes replaces hostPathVolumes, runAsNonRoot is added', () => {
    expect(ids('restricted', 'v1.0')).toEqual(
      ['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'restrictedVolumes', 'runAsNonRoot', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess'].sort(),
    );
  });

  it('restricted at v1.19: allowPrivilegeEscalation, and seccompProfile_restricted replaces seccompProfile_baseline', () => {
    expect(ids('restricted', 'v1.19')).toEqual(
      ['allowPrivilegeEscalation', 'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'restrictedVolumes', 'runAsNonRoot', 'seLinuxOptions', 'seccompProfile_restricted', 'sysctls', 'windowsHostProcess'].sort(),
    );
  });

  it('restricted at v1.22: capabilities_restricted replaces capabilities_baseline', () => {
    const got = ids('restricted', 'v1.22');
    expect(got).toContain('capabilities_restricted');
    expect(got).not.toContain('capabilities_baseline');
    expect(got).not.toContain('runAsUser');
    expect(got).toHaveLength(13);
  });

  it('restricted at v1.25: runAsUser (from v1.23) is in force', () => {
    expect(ids('restricted', 'v1.25')).toEqual(
      ['allowPrivilegeEscalation', 'appArmorProfile', 'capabilities_restricted', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile_restricted', 'sysctls', 'windowsHostProcess'].sort(),
    );
  });

  it('restricted at v1.34: hostProbesAndHostLifecycle joins, procMount is still the baseline one', () => {
    const got = ids('restricted', 'v1.34');
    expect(got).toContain('hostProbesAndHostLifecycle');
    expect(got).toContain('procMount');
    expect(got).not.toContain('procMount_restricted');
    expect(got).toHaveLength(15);
  });

  it('restricted at v1.35 and latest: procMount_restricted replaces procMount', () => {
    const want = [
      'allowPrivilegeEscalation', 'appArmorProfile', 'capabilities_restricted', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'procMount_restricted',
      'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile_restricted', 'sysctls', 'windowsHostProcess',
    ].sort();
    expect(ids('restricted', 'v1.35')).toEqual(want);
    expect(ids('restricted', 'latest')).toEqual(want);
  });

  it('replaced baseline checks never run beside the check that replaces them', () => {
    for (const at of ['v1.0', 'v1.19', 'v1.22', 'v1.25', 'v1.34', 'v1.35', 'latest']) {
      const got = ids('restricted', at);
      expect(got.includes('hostPathVolumes'), at).toBe(false);
      expect(got.includes('capabilities_baseline') && got.includes('capabilities_restricted'), at).toBe(false);
      expect(got.includes('seccompProfile_baseline') && got.includes('seccompProfile_restricted'), at).toBe(false);
      expect(got.includes('procMount') && got.includes('procMount_restricted'), at).toBe(false);
    }
  });
});

describe('evaluatePod', () => {
  const compliant = pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container('app', RESTRICTED_SC)] });

  it('admits a compliant pod at both levels', () => {
    for (const level of ['baseline', 'restricted'] as const) expect(evaluatePod(view(compliant), level, LATEST_PSS_VERSION)).toEqual({ allowed: true, violations: [] });
  });

  it('admits a plain pod at baseline and lists what restricted refuses', () => {
    const plain = view(pod({ containers: [container('app')] }));
    expect(evaluatePod(plain, 'baseline', LATEST_PSS_VERSION).allowed).toBe(true);
    const verdict = evaluatePod(plain, 'restricted', LATEST_PSS_VERSION);
    expect(verdict.allowed).toBe(false);
    expect(verdict.violations.map((v) => v.check).sort()).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
  });

  it('words violations as upstream does: reason (detail)', () => {
    expect(messageOf(pod({ containers: [container('app', { privileged: true })] }), 'baseline', 'privileged')).toBe('privileged (container "app" must not set securityContext.privileged=true)');
    expect(messageOf(pod({ hostNetwork: true, hostPID: true, containers: [container('app')] }), 'baseline', 'hostNamespaces')).toBe('host namespaces (hostNetwork=true, hostPID=true)');
    expect(
      messageOf(pod({ containers: [container('app', undefined, { ports: [{ containerPort: 80, hostPort: 80 }] }), container('tls', undefined, { ports: [{ containerPort: 443, hostPort: 443 }] })] }), 'baseline', 'hostPorts'),
    ).toBe('hostPort (containers "app", "tls" use hostPorts 80, 443)');
    expect(messageOf(pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }, { name: 'kernel.sem', value: '250' }] }, containers: [container('app')] }), 'baseline', 'sysctls')).toBe(
      'forbidden sysctls (kernel.msgmax, kernel.sem)',
    );
    expect(messageOf(pod({ containers: [container('app', { capabilities: { add: ['SYS_ADMIN'] } })] }), 'baseline', 'capabilities_baseline')).toBe(
      'non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
    );
    expect(messageOf(pod({ containers: [container('app', { procMount: 'Unmasked' })] }), 'baseline', 'procMount')).toBe(
      'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
    );
  });

  it('words restricted violations as upstream does', () => {
    const volumes = [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }];
    expect(messageOf(pod({ containers: [container('app', RESTRICTED_SC)], volumes }), 'restricted', 'restrictedVolumes')).toBe(
      'restricted volume types (volume "sock" uses restricted volume type "hostPath")',
    );
    expect(messageOf(pod({ containers: [container('app'), container('proxy')] }), 'restricted', 'allowPrivilegeEscalation')).toBe(
      'allowPrivilegeEscalation != false (containers "app", "proxy" must set securityContext.allowPrivilegeEscalation=false)',
    );
    expect(messageOf(pod({ containers: [container('app')] }), 'restricted', 'capabilities_restricted')).toBe(
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
    );
    expect(messageOf(pod({ securityContext: { runAsUser: 0 }, containers: [container('app', { ...RESTRICTED_SC, runAsUser: 0 })] }), 'restricted', 'runAsUser')).toBe(
      'runAsUser=0 (pod and container "app" must not set runAsUser=0)',
    );
    expect(messageOf(pod({ containers: [container('app')] }), 'restricted', 'runAsNonRoot')).toBe('runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)');
    expect(messageOf(pod({ containers: [container('app')] }), 'restricted', 'seccompProfile_restricted')).toBe(
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('names the offending fields of each violation', () => {
    const verdict = evaluatePod(view(deployment({ hostIPC: true, containers: [container('app', { privileged: true })] })), 'baseline', LATEST_PSS_VERSION);
    expect(verdict.violations).toEqual([
      { check: 'privileged', message: expect.any(String), fields: ['spec.template.spec.containers[0].securityContext.privileged'] },
      { check: 'hostNamespaces', message: expect.any(String), fields: ['spec.template.spec.hostIPC'] },
    ]);
  });

  it('reports a replaced baseline problem once, under the restricted check', () => {
    const verdict = evaluatePod(
      view(pod({ securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [container('app', { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })], volumes: [{ name: 'h', hostPath: { path: '/' } }] })),
      'restricted',
      LATEST_PSS_VERSION,
    );
    expect(verdict.violations.map((v) => v.check).sort()).toEqual(['capabilities_restricted', 'restrictedVolumes', 'seccompProfile_restricted']);
  });

  it('follows the version: hostUsers: false relaxes runAsNonRoot and runAsUser from v1.35 only', () => {
    const userns = view(pod({ hostUsers: false, securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container('app', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })] }));
    expect(evaluatePod(userns, 'restricted', version('v1.35')).allowed).toBe(true);
    expect(evaluatePod(userns, 'restricted', version('v1.34')).violations.map((v) => v.check).sort()).toEqual(['runAsNonRoot', 'runAsUser']);
  });

  // Upstream visits initContainers, then containers, then ephemeralContainers, so its message lists
  // "init" first; here containers come first. The verdict is the same, the wording differs.
  it('lists containers in the order upstream visits them', () => {
    expect(messageOf(pod({ initContainers: [container('init')], containers: [container('app')] }), 'restricted', 'allowPrivilegeEscalation')).toBe(
      'allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });

  // Upstream joins the setters with " and " and groups the containers: `pod and container "app"`.
  it('words several seccompProfile_baseline setters as upstream does', () => {
    expect(messageOf(pod({ securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [container('app', { seccompProfile: { type: 'Unconfined' } })] }), 'baseline', 'seccompProfile_baseline')).toBe(
      'seccompProfile (pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });
});

describe('scan-level de-duplication', () => {
  it('reports each offending field once across all Pod Security rules', () => {
    const input = pod({
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [container('app', { procMount: 'Unmasked', capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] }, allowPrivilegeEscalation: false, runAsNonRoot: true })],
      volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
    });
    const resources = parseResources(input);
    const { findings, errors } = evaluate(PSS_RULES, new Inventory(resources), DEFAULT_SETTINGS);
    expect(errors).toEqual([]);
    const byField = findings.map((f) => `${f.field ?? ''} <- ${f.rule}`).sort();
    expect(byField).toEqual(
      [
        'spec.containers[0].securityContext.capabilities.add[0] <- workload/non-default-capability',
        'spec.containers[0].securityContext.procMount <- workload/unmasked-proc-mount',
        'spec.containers[0].securityContext.seccompProfile <- workload/seccomp-profile-missing',
        'spec.securityContext.seccompProfile.type <- workload/seccomp-unconfined',
        'spec.volumes[0].hostPath <- workload/host-path-volume',
      ].sort(),
    );
  });

  it('reports procMount under the restricted rule when the baseline rule is relaxed by hostUsers: false', () => {
    const input = pod({ hostUsers: false, containers: [container('buildkit', { ...RESTRICTED_SC, procMount: 'Unmasked' })] });
    const { findings } = evaluate(PSS_RULES, new Inventory(parseResources(input)), DEFAULT_SETTINGS);
    expect(findings.map((f) => f.rule)).toEqual(['workload/unmasked-proc-mount-in-user-namespace']);
  });
});

describe('robustness', () => {
  // Any JSON-like value in any position the checks read.
  const anything = fc.anything({ maxDepth: 3 });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(anything, arb);
  const record = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.record(shape, { requiredKeys: [] });
  const handler = record({ httpGet: maybe(record({ host: anything, port: anything })), tcpSocket: maybe(record({ host: anything })) });
  const securityContext = maybe(
    record({
      privileged: anything,
      allowPrivilegeEscalation: anything,
      runAsNonRoot: anything,
      runAsUser: anything,
      procMount: maybe(fc.constantFrom('Default', 'Unmasked')),
      capabilities: maybe(record({ add: maybe(fc.array(anything)), drop: maybe(fc.array(maybe(fc.constant('ALL')))) })),
      seccompProfile: maybe(record({ type: maybe(fc.constantFrom('Unconfined', 'RuntimeDefault', 'Localhost')) })),
      appArmorProfile: maybe(record({ type: anything })),
      seLinuxOptions: maybe(record({ type: anything, user: anything, role: anything })),
      windowsOptions: maybe(record({ hostProcess: anything })),
      sysctls: maybe(fc.array(maybe(record({ name: anything, value: anything })))),
    }),
  );
  const containerArb = maybe(
    record({
      name: maybe(fc.string()),
      securityContext,
      ports: maybe(fc.array(maybe(record({ hostPort: anything, containerPort: anything })))),
      livenessProbe: maybe(handler),
      readinessProbe: maybe(handler),
      startupProbe: maybe(handler),
      lifecycle: maybe(record({ postStart: maybe(handler), preStop: maybe(handler) })),
    }),
  );
  const containers = maybe(fc.array(containerArb, { maxLength: 3 }));
  const volume = maybe(fc.dictionary(fc.constantFrom('name', 'hostPath', 'emptyDir', 'nfs', 'image', 'secret', 'csi'), anything));
  const spec = fc.oneof(
    fc.object(),
    record({
      containers,
      initContainers: containers,
      ephemeralContainers: containers,
      securityContext,
      volumes: maybe(fc.array(volume, { maxLength: 3 })),
      hostNetwork: anything,
      hostPID: anything,
      hostIPC: anything,
      hostUsers: anything,
      os: maybe(record({ name: maybe(fc.constant('windows')) })),
    }),
  );
  const annotationKey = fc.oneof(
    fc.string(),
    fc.constantFrom('seccomp.security.alpha.kubernetes.io/pod', 'container.seccomp.security.alpha.kubernetes.io/app', 'container.apparmor.security.beta.kubernetes.io/app'),
  );
  const metadata = maybe(record({ name: fc.string(), annotations: maybe(fc.dictionary(annotationKey, maybe(fc.constantFrom('unconfined', 'runtime/default', 'localhost/p')))) }));
  const wrap = (kind: 'Pod' | 'Deployment' | 'CronJob', meta: unknown, podSpec: unknown): Resource | undefined => {
    const template = { metadata: meta, spec: podSpec };
    const object =
      kind === 'Pod'
        ? { apiVersion: 'v1', kind, metadata: meta, spec: podSpec }
        : kind === 'Deployment'
          ? { apiVersion: 'apps/v1', kind, metadata: { name: 'web' }, spec: { template } }
          : { apiVersion: 'batch/v1', kind, metadata: { name: 'job' }, spec: { jobTemplate: { spec: { template } } } };
    return toResource(object, { file: 'generated.yaml', line: 1 });
  };
  const versions = fc.constantFrom<PssVersion>([1, 0], [1, 18], [1, 19], [1, 22], [1, 24], [1, 25], [1, 30], [1, 33], [1, 34], [1, 35], LATEST_PSS_VERSION);

  it('evaluatePod never throws on arbitrary pod specs, at both levels', () => {
    fc.assert(
      fc.property(fc.constantFrom('Pod', 'Deployment', 'CronJob'), metadata, spec, versions, (kind, meta, podSpec, v) => {
        const resource = wrap(kind, meta, podSpec);
        const p = resource && podOf(resource);
        if (!p) return;
        for (const level of ['baseline', 'restricted'] as const) {
          const verdict = evaluatePod(p, level, v);
          expect(verdict.allowed).toBe(verdict.violations.length === 0);
          for (const violation of verdict.violations) {
            expect(violation.fields.length).toBeGreaterThan(0);
            for (const field of violation.fields) expect(field.startsWith(p.specPath) || field.startsWith(p.metaPath)).toBe(true);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the Pod Security rules never throw on arbitrary pod specs', () => {
    fc.assert(
      fc.property(fc.constantFrom('Pod', 'Deployment', 'CronJob'), metadata, spec, versions, (kind, meta, podSpec, v) => {
        const resource = wrap(kind, meta, podSpec);
        if (!resource) return;
        const inventory = new Inventory([resource]);
        const settings = { ...DEFAULT_SETTINGS, pssVersion: `v${v[0]}.${v[1]}` };
        for (const rule of PSS_RULES) runRule(rule, resource, inventory, settings);
      }),
      { numRuns: 200 },
    );
  });

  // String() on an object whose own toString is not a function throws; YAML `{toString: x}` makes one.
  it('does not throw on a capability or procMount that is an object with a toString key', () => {
    const p = view(pod({ containers: [container('app', { procMount: { toString: 'x' }, capabilities: { add: [{ toString: 'x' }] } })] }));
    expect(() => evaluatePod(p, 'restricted', LATEST_PSS_VERSION)).not.toThrow();
  });
});

describe('version setting in scans', () => {
  it('is applied per rule: the same pod passes a check at one version and fails it at another', () => {
    const input = pod({ containers: [container('app', { ...RESTRICTED_SC, runAsUser: 0 })], ephemeralContainers: [ephemeral('debug', RESTRICTED_SC)] });
    const [resource] = parseResources(input);
    if (!resource) throw new Error('no resource');
    const runAsUser = PSS_RULES.find((r) => r.pss.id === 'runAsUser');
    if (!runAsUser) throw new Error('runAsUser rule missing');
    const inventory = new Inventory([resource]);
    expect(runRule(runAsUser, resource, inventory, { ...DEFAULT_SETTINGS, pssVersion: 'v1.22' })).toEqual([]);
    expect(runRule(runAsUser, resource, inventory, { ...DEFAULT_SETTINGS, pssVersion: 'v1.23' })).toHaveLength(1);
  });
});
