import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/engine.js';
import { Inventory } from '../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import type { Resource } from '../../src/core/resource.js';
import { canMatchResourceKey, controllerKeys, createSuppressor, readIgnoreAnnotations } from '../../src/core/suppress.js';
import { RULES } from '../../src/rules/index.js';
import { parseResources } from '../helpers/rule-tester.js';

const rule = (id: string) => RULES.filter((r) => r.meta.id === id);
const options = { exceptions: [], allowAnnotations: true, aksManaged: true, now: new Date('2026-11-26T00:00:00Z'), configSource: 'test' };

describe('suppressions', () => {
  it('use the annotation of the object the finding is about, not of a same-named one', () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, annotations: {palisade.io/ignore: "workload/* -- base image"}}
spec: {containers: [{name: app, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
`);
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.suppressed).toBeUndefined();
  });

  it("honour palisade.io/ignore on a controller's pod template, where Helm's podAnnotations write it and pods inherit it", () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: cni, namespace: net}
spec: {template: {metadata: {annotations: {palisade.io/ignore: "workload/privileged-container -- CNI plug-in"}}, spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other, namespace: net}
spec: {template: {spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}}}
`);
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options));
    expect(findings.map((f) => [f.resource.name, f.suppressed?.reason])).toEqual([
      ['cni', 'CNI plug-in'],
      ['other', undefined],
    ]);
  });

  it("apply an exception written for a Deployment to its ReplicaSet and Pods read without it", () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: api-5d8f9c7b6-x2x9q, namespace: shop, labels: {pod-template-hash: 5d8f9c7b6}, ownerReferences: [{kind: ReplicaSet, name: api-5d8f9c7b6, controller: true}]}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: apiserver-x2x9q, namespace: shop, ownerReferences: [{kind: ReplicaSet, name: apiserver-77, controller: true}]}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
`);
    const exceptions = [{ rule: 'workload/privileged-container', resources: ['shop/Deployment/api'], reason: 'vendor agent', expires: undefined }];
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor({ ...options, exceptions }));
    expect(findings.map((f) => [f.resource.name, f.suppressed?.kind])).toEqual([
      ['api-5d8f9c7b6-x2x9q', 'exception'],
      ['apiserver-x2x9q', undefined],
    ]);
  });

  it('apply an exception written for an Argo Rollout or a KEDA ScaledJob to the Pods they run, read without them', () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: web-6f7c9d8b5-abcde, namespace: shop, labels: {rollouts-pod-template-hash: 6f7c9d8b5}, ownerReferences: [{kind: ReplicaSet, name: web-6f7c9d8b5, controller: true}]}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: worker-x7k2p-q9v4z, namespace: jobs, ownerReferences: [{kind: Job, name: worker-x7k2p, controller: true}]}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: worker-manual-q9v4z, namespace: jobs, ownerReferences: [{kind: Job, name: worker-manual, controller: true}]}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
`);
    const exceptions = [{ rule: 'workload/privileged-container', resources: ['shop/Rollout/web', 'jobs/ScaledJob/worker'], reason: 'vendor agent', expires: undefined }];
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor({ ...options, exceptions }));
    expect(findings.map((f) => [f.resource.name, f.suppressed?.kind])).toEqual([
      ['web-6f7c9d8b5-abcde', 'exception'],
      ['worker-x7k2p-q9v4z', 'exception'],
      // Named by hand, not by generateName: the name tells nothing of a ScaledJob.
      ['worker-manual-q9v4z', undefined],
    ]);
  });

  it('take the controller of an owner the input holds from its own reference, as kubectl create job --from=cronjob sets it', () => {
    const [job, pod] = parseResources(`
apiVersion: batch/v1
kind: Job
metadata: {name: backup-manual, namespace: batch, annotations: {cronjob.kubernetes.io/instantiate: manual}, ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: backup, controller: true}]}
spec: {template: {spec: {containers: [{name: app, image: x}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: backup-manual-q9v4z, namespace: batch, ownerReferences: [{kind: Job, name: backup-manual, controller: true}]}
spec: {containers: [{name: app, image: x}]}
`) as [Resource, Resource];
    const inventory = new Inventory([job, pod]);
    expect(controllerKeys(pod)).toEqual(['batch/Job/backup-manual']);
    expect(controllerKeys(pod, (kind, ns, name) => inventory.get(kind, ns, name))).toEqual(['batch/Job/backup-manual', 'batch/CronJob/backup']);
    expect(controllerKeys(job)).toEqual(['batch/CronJob/backup']);
  });

  it('derive no controller from names that only look generated or hashed without the label', () => {
    const [a, b] = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns, ownerReferences: [{kind: ReplicaSet, name: web-6f7c9d8b5, controller: true}]}
spec: {containers: [{name: app, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns, ownerReferences: [{kind: Job, name: db-migrate, controller: true}]}
spec: {containers: [{name: app, image: x}]}
`) as [Resource, Resource];
    expect(controllerKeys(a)).toEqual(['ns/ReplicaSet/web-6f7c9d8b5']);
    expect(controllerKeys(b)).toEqual(['ns/Job/db-migrate']);
  });

  it('match exception resources whatever the case of the kind, as kubectl takes it', () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec: {template: {spec: {hostPID: true, containers: [{name: c, image: x}]}}}
`);
    const exceptions = [{ rule: 'workload/host-namespace', resources: ['monitoring/daemonset/node-exporter'], reason: 'node metrics', expires: undefined }];
    const { findings } = evaluate(rule('workload/host-namespace'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor({ ...options, exceptions }));
    expect(findings.map((f) => f.suppressed?.kind)).toEqual(['exception']);
  });

  it('warn about exceptions and annotations that can never apply: a rule id that names no rule, a resource not namespace/Kind/name', () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, annotations: {palisade.io/ignore: "workload/privileged-contianer -- typo"}}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
`);
    const exceptions = [
      { rule: 'workload/privileged-contianer', resources: ['shop/Pod/web'], reason: 'typo', expires: undefined },
      { rule: 'workload/*', resources: ['shop/Pod'], reason: 'too short', expires: undefined },
      { rule: 'workload/privileged-container', resources: ['-/Namespace/*'], reason: 'fine', expires: undefined },
    ];
    const suppressor = createSuppressor({ ...options, exceptions, knownRules: RULES.map((r) => r.meta.id) });
    evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, suppressor);
    expect(suppressor.warnings.map((w) => w.message)).toEqual([
      'exception for workload/privileged-contianer names no rule, so it never applies (see palisade rules); did you mean workload/privileged-container?',
      'exception for workload/*: resource "shop/Pod" is not namespace/Kind/name (use - for no namespace, * for any), so it matches nothing',
      'palisade.io/ignore on shop/Pod/web names no rule: workload/privileged-contianer',
    ]);
  });

  it('do not treat a look-alike name in kube-system as AKS-managed', () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy-debug, namespace: kube-system}
spec: {template: {spec: {hostPID: true, containers: [{name: c, image: docker.io/attacker/tools:latest}]}}}
`);
    const { findings } = evaluate(rule('workload/host-namespace'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options));
    expect(findings.map((f) => f.suppressed)).toEqual([undefined]);
  });

  it("do not treat a look-alike name running a general-purpose Microsoft image as AKS's", () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy-debug, namespace: kube-system}
spec: {template: {spec: {hostPID: true, containers: [{name: c, image: mcr.microsoft.com/azure-cli:2.67.0}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod-asm-1-23, namespace: aks-istio-system}
spec: {template: {spec: {hostPID: true, containers: [{name: discovery, image: mcr.microsoft.com/oss/istio/pilot:1.23.3-distroless}]}}}
`);
    const { findings } = evaluate(rule('workload/host-namespace'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options));
    expect(findings.map((f) => [f.resource.name, f.suppressed?.kind])).toEqual([
      ['kube-proxy-debug', undefined],
      ['istiod-asm-1-23', 'provider-managed'],
    ]);
  });

  it("never count an ephemeral container as AKS's: someone debugging CoreDNS added it", () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata:
  name: coredns-789789675-abcde
  namespace: kube-system
  labels: {pod-template-hash: "789789675"}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: coredns-789789675, uid: r, controller: true}]
spec:
  containers: [{name: coredns, image: mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.12.1, securityContext: {privileged: true}}]
  ephemeralContainers: [{name: debugger-x1, image: docker.io/library/busybox:latest, securityContext: {privileged: true}}]
`);
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options));
    expect(findings.map((f) => [f.container, f.suppressed?.kind])).toEqual([
      ['coredns', 'provider-managed'],
      ['debugger-x1', undefined],
    ]);
  });

  it('treat an AKS component with its Microsoft images as provider-managed', () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec: {template: {spec: {hostNetwork: true, containers: [{name: kube-proxy, image: mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.3}]}}}
`);
    const { findings } = evaluate(rule('workload/host-namespace'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options));
    expect(findings[0]?.suppressed?.kind).toBe('provider-managed');
  });

  it('treat the NGINX controller the application routing add-on runs as provider-managed, and only in its namespace', () => {
    const nginx = (namespace: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx, namespace: ${namespace}, labels: {app.kubernetes.io/managed-by: aks-app-routing-operator}}
spec: {template: {spec: {containers: [{name: controller, image: mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5, securityContext: {allowPrivilegeEscalation: true}}]}}}
`;
    const run = (namespace: string) => evaluate(rule('workload/privilege-escalation-allowed'), new Inventory(parseResources(nginx(namespace))), DEFAULT_SETTINGS, createSuppressor(options)).findings;
    expect(run('app-routing-system').map((f) => f.suppressed?.kind)).toEqual(['provider-managed']);
    expect(run('shop').map((f) => f.suppressed?.kind)).toEqual([undefined]);
  });
});

describe('superseding rules', () => {
  const capYaml = `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: app, image: x, securityContext: {capabilities: {drop: [ALL], add: [SYS_ADMIN]}}}]}
`;
  it('report everything when the rule they supersede is not running', () => {
    const { findings } = evaluate(rule('workload/capabilities-not-dropped'), new Inventory(parseResources(capYaml)), DEFAULT_SETTINGS);
    expect(findings.map((f) => f.field)).toEqual(['spec.containers[0].securityContext.capabilities.add[0]']);
  });
  it('leave a field to the superseded rule when both run', () => {
    const { findings } = evaluate([...rule('workload/capabilities-not-dropped'), ...rule('workload/non-default-capability')], new Inventory(parseResources(capYaml)), DEFAULT_SETTINGS);
    expect(findings.map((f) => f.rule)).toEqual(['workload/non-default-capability']);
  });
});

describe('verify commands', () => {
  it('quote names and namespaces from the manifest for the shell', async () => {
    const { verifyCommand } = await import('../../src/core/rule.js');
    const [pod] = parseResources(`apiVersion: v1\nkind: Pod\nmetadata: {name: "web", namespace: "ns$(touch /tmp/pwned)"}\n`);
    expect(verifyCommand(pod!, "metadata.annotations.it's")).toBe(`kubectl get pod web -n 'ns$(touch /tmp/pwned)' -o jsonpath='{.metadata.annotations.it'\\''s}'`);
  });
});

describe('one finding per added capability', () => {
  it('leaves SYS_ADMIN to the hardening rule, which carries the Pod Security reference', () => {
    const resources = parseResources(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app, image: x, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]}\n`);
    const { findings } = evaluate([...rule('workload/non-default-capability'), ...rule('workload/dangerous-capability-added')], new Inventory(resources), DEFAULT_SETTINGS);
    expect(findings.map((f) => f.rule)).toEqual(['workload/dangerous-capability-added']);
    expect(findings[0]?.frameworks).toContainEqual({ framework: 'pss', level: 'baseline', id: 'capabilities_baseline' });
    expect(findings[0]?.severity).toBe('high');
  });
});

describe('palisade.io/ignore without a reason', () => {
  it('does not apply, and says so', () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, annotations: {palisade.io/ignore: "*"}}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop, annotations: {palisade.io/ignore: "* -- vendor agent, SEC-42"}}
spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
`);
    const suppressor = createSuppressor(options);
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, suppressor);
    expect(findings.map((f) => [f.resource.name, f.suppressed?.reason])).toEqual([
      ['web', undefined],
      ['agent', 'vendor agent, SEC-42'],
    ]);
    expect(suppressor.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^palisade\.io\/ignore on shop\/Pod\/web gives no reason, so it does not apply/));
  });
});

describe('exceptions across superseding rules', () => {
  const SUPERSEDES = new Map(RULES.map((r) => [r.meta.id, r.supersedes ?? []] as const));
  const capYaml = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {spec: {containers: [{name: app, image: x, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]}}}
`;
  const run = (rules: string[], suppress: Parameters<typeof createSuppressor>[0]) =>
    evaluate(rules.flatMap(rule), new Inventory(parseResources(capYaml)), DEFAULT_SETTINGS, createSuppressor({ running: new Set(rules), ...suppress })).findings.map((f) => [f.rule, f.field?.replace(/^.*\./, ''), f.suppressed?.reason]);
  const exceptionFor = (id: string) => [{ rule: id, resources: ['shop/Deployment/web'], reason: 'VPN sidecar (SEC-12)', expires: undefined }];

  it('cover the finding of the rule that took the field over when the named one did not run', () => {
    expect(run(['workload/non-default-capability'], { ...options, exceptions: exceptionFor('workload/dangerous-capability-added'), supersedes: SUPERSEDES })).toEqual([
      ['workload/non-default-capability', 'add[0]', 'VPN sidecar (SEC-12)'],
    ]);
  });

  it('leave alone the finding of a rule that ran when the named one ran too: each rule\'s exceptions cover its own findings, as at admission', () => {
    const both = ['workload/non-default-capability', 'workload/dangerous-capability-added'];
    expect(run(both, { ...options, exceptions: exceptionFor('workload/non-default-capability'), supersedes: SUPERSEDES, running: new Set(both) })).toEqual([
      ['workload/dangerous-capability-added', 'add[0]', undefined],
    ]);
  });

  it('apply to ignore annotations alike', () => {
    const annotated = capYaml.replace('namespace: shop}', 'namespace: shop, annotations: {palisade.io/ignore: "workload/dangerous-capability-added -- VPN sidecar (SEC-12)"}}');
    const { findings } = evaluate(rule('workload/non-default-capability'), new Inventory(parseResources(annotated)), DEFAULT_SETTINGS, createSuppressor({ ...options, supersedes: SUPERSEDES }));
    expect(findings.map((f) => f.suppressed)).toEqual([{ kind: 'annotation', reason: 'VPN sidecar (SEC-12)' }]);
  });

  it('go one step only: rules superseding the same rule do not cover each other', () => {
    const supersedes = new Map([
      ['rbac/can-read-secrets', ['rbac/cluster-admin-bound']],
      ['rbac/can-exec-into-pods', ['rbac/cluster-admin-bound']],
    ]);
    expect(run(['workload/non-default-capability'], { ...options, exceptions: exceptionFor('workload/dangerous-capability-added'), supersedes })).toEqual([
      ['workload/non-default-capability', 'add[0]', undefined],
    ]);
    const binding = parseResources(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}]
`);
    const exceptions = [{ rule: 'rbac/can-read-secrets', resources: ['-/ClusterRoleBinding/ops'], reason: 'audited', expires: undefined }];
    const { findings } = evaluate(rule('rbac/can-exec-into-pods'), new Inventory(binding), DEFAULT_SETTINGS, createSuppressor({ ...options, exceptions, supersedes }));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.suppressed)).toEqual(findings.map(() => undefined));
  });

  it('cover nothing more without the relation', () => {
    expect(run(['workload/non-default-capability'], { ...options, exceptions: exceptionFor('workload/dangerous-capability-added') })).toEqual([
      ['workload/non-default-capability', 'add[0]', undefined],
    ]);
  });

  it('do not cover what a superseding rule reports on fields the named rule, which ran, left alone', () => {
    const both = ['workload/capabilities-not-dropped', 'workload/non-default-capability'];
    expect(run(both, { ...options, exceptions: exceptionFor('workload/non-default-capability'), supersedes: SUPERSEDES })).toEqual([
      ['workload/capabilities-not-dropped', 'drop', undefined],
      ['workload/non-default-capability', 'add[0]', 'VPN sidecar (SEC-12)'],
    ]);
  });
});

describe('exception resources', () => {
  it('can match a key whose kind holds / or that * spans', () => {
    for (const glob of ['-/Microsoft.ContainerService/managedClusters/aks-shop-prod', 'shop/*', '*', '-/*/aks-shop-prod', 'shop/Deployment/web', '*/web', 'shop/Deployment?web'])
      expect(canMatchResourceKey(glob), glob).toBe(true);
    for (const glob of ['shop/Pod', 'web', '', '/Deployment/web', 'shop//web', 'shop/Deployment/', 'shop/Deployment/web/', '-/Microsoft.ContainerService//x'])
      expect(canMatchResourceKey(glob), glob).toBe(false);
  });

  it('do not warn about a pattern that suppresses, and match ARM kinds and a namespace with *', () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}}}
`);
    const exceptions = [
      { rule: 'workload/privileged-container', resources: ['shop/*'], reason: 'whole namespace', expires: undefined },
      { rule: 'aks/defender-disabled', resources: ['-/Microsoft.ContainerService/managedClusters/aks-shop-prod'], reason: 'bought at the subscription', expires: undefined },
    ];
    const suppressor = createSuppressor({ ...options, exceptions, resources });
    const { findings } = evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, suppressor);
    expect(findings.map((f) => f.suppressed?.reason)).toEqual(['whole namespace']);
    expect(suppressor.warnings).toEqual([]);
  });

  it('warn when a namespace written for a manifest without one (or - for one with) makes a pattern match no object, naming the keys there are', () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {template: {spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec: {template: {spec: {containers: [{name: app, image: x}]}}}
`);
    const exceptions = [
      { rule: 'workload/privileged-container', resources: ['default/Deployment/web'], reason: 'r', expires: undefined },
      { rule: 'workload/privileged-container', resources: ['-/Deployment/api'], reason: 'r', expires: undefined },
      // Matches: no warning. Another input's object, with no near key here: no warning either (a scan may read part of a repository).
      { rule: 'workload/privileged-container', resources: ['-/deployment/web', 'shop/Deployment/other', '*/Deployment/gone'], reason: 'r', expires: undefined },
    ];
    const suppressor = createSuppressor({ ...options, exceptions, resources });
    expect(suppressor.warnings.map((w) => w.message)).toEqual([
      'exception for workload/privileged-container: resource "default/Deployment/web" matches no object of the scan, which has -/Deployment/web: an object of a manifest without a namespace is -/Kind/name (*/Kind/name matches any namespace)',
      'exception for workload/privileged-container: resource "-/Deployment/api" matches no object of the scan, which has shop/Deployment/api: - matches only objects without a namespace (*/Kind/name matches any namespace)',
    ]);
  });

  it('warn about a namespace written otherwise through the keys of controllers too', () => {
    const resources = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: web-5d8f9c7b6-x2x9q, labels: {pod-template-hash: 5d8f9c7b6}, ownerReferences: [{kind: ReplicaSet, name: web-5d8f9c7b6, controller: true}]}
spec: {containers: [{name: app, image: x}]}
`);
    const ok = createSuppressor({ ...options, resources, exceptions: [{ rule: 'workload/*', resources: ['-/Deployment/web'], reason: 'r', expires: undefined }] });
    expect(ok.warnings).toEqual([]);
    const miss = createSuppressor({ ...options, resources, exceptions: [{ rule: 'workload/*', resources: ['default/Deployment/web'], reason: 'r', expires: undefined }] });
    expect(miss.warnings.map((w) => w.message)).toEqual([expect.stringContaining('which has -/Deployment/web:')]);
  });
});

describe('palisade.io/ignore on an object and its pod template', () => {
  it('applies both, each with its reason', () => {
    const resources = parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop, annotations: {palisade.io/ignore: "workload/image-not-pinned-by-digest -- pinned by Flux image automation"}}
spec:
  template:
    metadata: {annotations: {palisade.io/ignore: "workload/privileged-container -- CNI agent needs it (SEC-3)"}}
    spec: {containers: [{name: app, image: myacr.azurecr.io/a:1, securityContext: {privileged: true}}]}
`);
    const suppressor = createSuppressor(options);
    const { findings } = evaluate([...rule('workload/privileged-container'), ...rule('workload/image-not-pinned-by-digest')], new Inventory(resources), DEFAULT_SETTINGS, suppressor);
    expect(findings.map((f) => [f.rule, f.suppressed?.reason])).toEqual([
      ['workload/privileged-container', 'CNI agent needs it (SEC-3)'],
      ['workload/image-not-pinned-by-digest', 'pinned by Flux image automation'],
    ]);
    expect(suppressor.warnings).toEqual([]);
  });

  it("takes the object's reason when both name the rule, and the other's when the object's gives none", () => {
    const deployment = (own: string, template: string) =>
      parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop, annotations: {palisade.io/ignore: "${own}"}}
spec:
  template:
    metadata: {annotations: {palisade.io/ignore: "${template}"}}
    spec: {containers: [{name: app, image: x, securityContext: {privileged: true}}]}
`);
    const reasons = (resources: Resource[]) => evaluate(rule('workload/privileged-container'), new Inventory(resources), DEFAULT_SETTINGS, createSuppressor(options)).findings.map((f) => f.suppressed?.reason);
    expect(reasons(deployment('workload/* -- own', 'workload/privileged-container -- template'))).toEqual(['own']);
    expect(reasons(deployment('workload/privileged-container', 'workload/privileged-container -- template'))).toEqual(['template']);
  });

  it('are read apart: the object\'s own, and its template\'s, which a Pod does not have', () => {
    const [deployment, pod, bare] = parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop, annotations: {palisade.io/ignore: "workload/* -- own"}}
spec:
  template:
    metadata: {annotations: {palisade.io/ignore: "workload/privileged-container, workload/host-port"}}
    spec: {containers: [{name: app, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, annotations: {palisade.io/ignore: "workload/privileged-container -- pod"}}
spec: {containers: [{name: app, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop, annotations: {palisade.io/ignore: 7}}
spec: {template: {spec: {containers: [{name: app, image: x}]}}}
`);
    expect(readIgnoreAnnotations(deployment!)).toEqual({ own: { rules: ['workload/*'], reason: 'own' }, template: { rules: ['workload/privileged-container', 'workload/host-port'], reason: '' } });
    expect(readIgnoreAnnotations(pod!)).toEqual({ own: { rules: ['workload/privileged-container'], reason: 'pod' } });
    expect(readIgnoreAnnotations(bare!)).toEqual({});
  });
});
