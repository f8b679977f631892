import { describe, expect, it } from 'vitest';
import { containersOf, isPodBearing, podOf, unreadPodSpecPath } from '../../src/core/workload.js';
import { parseResources } from '../helpers/rule-tester.js';

const [pod] = parseResources(`
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  ephemeralContainers: [{name: debug}]
  initContainers: [{name: init}]
  containers: [{name: app}, {name: sidecar}]
`);

describe('containersOf', () => {
  const view = podOf(pod!)!;

  it('lists containers, then init containers, then ephemeral ones, with their paths', () => {
    const all = containersOf(view);
    expect(all.map((c) => [c.name, c.kind, c.index, c.path('image')])).toEqual([
      ['app', 'containers', 0, 'spec.containers[0].image'],
      ['sidecar', 'containers', 1, 'spec.containers[1].image'],
      ['init', 'initContainers', 0, 'spec.initContainers[0].image'],
      ['debug', 'ephemeralContainers', 0, 'spec.ephemeralContainers[0].image'],
    ]);
    expect(all[0]!.path()).toBe('spec.containers[0]');
  });

  it('narrows to the selection asked for, keeping the order and the same views', () => {
    // A fresh view asked for a narrow selection first.
    expect(containersOf(podOf(pod!)!, { init: false }).map((c) => c.name)).toEqual(['app', 'sidecar', 'debug']);
    const all = containersOf(view);
    expect(containersOf(view, { init: false }).map((c) => c.name)).toEqual(['app', 'sidecar', 'debug']);
    expect(containersOf(view, { ephemeral: false }).map((c) => c.name)).toEqual(['app', 'sidecar', 'init']);
    expect(containersOf(view, { init: false, ephemeral: false }).map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(containersOf(view, { ephemeral: false })[2]).toBe(all[2]);
    expect(containersOf(view, { ephemeral: false })).toBe(containersOf(view, { ephemeral: false }));
  });
});

describe('custom resources with a pod template', () => {
  const [rollout, scaledJob, byReference] = parseResources(`
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  strategy: {canary: {steps: [{setWeight: 20}]}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: drain, namespace: shop}
spec:
  jobTargetRef:
    template:
      spec: {restartPolicy: Never, containers: [{name: worker, image: worker}]}
  triggers: [{type: azure-servicebus, metadata: {queueName: orders}}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}
`);

  it("reads an Argo Rollout's and a KEDA ScaledJob's pod template at their own paths", () => {
    expect(containersOf(podOf(rollout!)!).map((c) => c.path('image'))).toEqual(['spec.template.spec.containers[0].image']);
    expect(podOf(rollout!)?.metadata).toEqual({ labels: { app: 'web' } });
    expect(containersOf(podOf(scaledJob!)!).map((c) => c.path('image'))).toEqual(['spec.jobTargetRef.template.spec.containers[0].image']);
  });

  it('has no pod for a Rollout that refers to a Deployment: the Deployment is checked itself', () => {
    expect(podOf(byReference!)).toBeUndefined();
  });
});

describe("GitHub's Actions Runner Controller", () => {
  // gha-runner-scale-set 0.9 with containerMode.type=dind: the runner beside a privileged docker:dind.
  const [runnerSet] = parseResources(`
apiVersion: actions.github.com/v1alpha1
kind: AutoscalingRunnerSet
metadata: {name: arc-runner-set, namespace: arc-runners}
spec:
  githubConfigUrl: https://github.com/contoso
  githubConfigSecret: github-secret
  template:
    spec:
      initContainers: [{name: init-dind-externals, image: ghcr.io/actions/actions-runner:latest}]
      containers:
      - {name: runner, image: ghcr.io/actions/actions-runner:latest}
      - {name: dind, image: docker:dind, securityContext: {privileged: true}}
`);

  it("reads an AutoscalingRunnerSet's pod template, the runners' pods", () => {
    expect(isPodBearing('AutoscalingRunnerSet')).toBe(true);
    expect(containersOf(podOf(runnerSet!)!).map((c) => c.path('image'))).toEqual([
      'spec.template.spec.containers[0].image',
      'spec.template.spec.containers[1].image',
      'spec.template.spec.initContainers[0].image',
    ]);
    expect(unreadPodSpecPath(runnerSet!)).toBeUndefined();
  });
});

describe('unreadPodSpecPath', () => {
  const [ephemeralRunnerSet, knative, podTemplate, cronJob, service] = parseResources(`
apiVersion: actions.github.com/v1alpha1
kind: EphemeralRunnerSet
metadata: {name: arc-runner-set-x, namespace: arc-runners}
spec:
  ephemeralRunnerSpec:
    githubConfigUrl: https://github.com/contoso
    spec: {containers: [{name: runner, image: ghcr.io/actions/actions-runner:latest}]}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello, namespace: web}
spec:
  template:
    spec: {containers: [{image: ghcr.io/knative/helloworld-go:latest}]}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl, namespace: web}
template:
  spec: {containers: [{name: a, image: nginx}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: web}
spec:
  schedule: "@daily"
  jobTemplate: {spec: {template: {spec: {containers: [{name: r, image: report}]}}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: web}
spec: {ports: [{port: 80}], selector: {containers: yes}}
`);

  it('finds the pod spec of a kind no rule reads, however deep below spec', () => {
    expect(unreadPodSpecPath(ephemeralRunnerSet!)).toBe('spec.ephemeralRunnerSpec.spec');
    expect(unreadPodSpecPath(knative!)).toBe('spec.template.spec');
  });

  it('says nothing of pod-bearing kinds, nor of objects without one below spec', () => {
    expect(unreadPodSpecPath(cronJob!)).toBeUndefined();
    // A PodTemplate runs nothing: its template is not below spec.
    expect(unreadPodSpecPath(podTemplate!)).toBeUndefined();
    expect(unreadPodSpecPath(service!)).toBeUndefined();
  });
});
