import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import hostPathVolume from '../../../src/rules/pss/host-path-volumes.js';
import restrictedVolumeType from '../../../src/rules/pss/restricted-volumes.js';
import rule from '../../../src/rules/workload/sensitive-host-path.js';
import { findingsFor, parseResources, ruleTester } from '../../helpers/rule-tester.js';
import { pod as basePod } from './fixtures.js';

const pod = (...paths: string[]) => `
apiVersion: v1
kind: Pod
metadata: { name: agent, namespace: ops }
spec:
  containers:
  - name: app
    image: shop.azurecr.io/agent:1
    volumeMounts: [{ name: v0, mountPath: /host, readOnly: true }]
  volumes:
${paths.map((p, i) => `  - { name: v${i}, hostPath: { path: ${JSON.stringify(p)} } }`).join('\n')}
`;

ruleTester(rule, {
  valid: [
    { name: 'application data directories', input: pod('/data', '/mnt/disks/ssd0', '/opt/app', '/var/lib/app', '/home/shared') },
    { name: 'common benign node files', input: pod('/run/xtables.lock', '/lib/modules', '/etc/localtime', '/etc/ssl/certs', '/usr/share/zoneinfo') },
    { name: 'names that only start like a sensitive path', input: pod('/etcetera', '/procfs-copy', '/var/logs-archive', '/var/lib/kubelet-plugins-data') },
    { name: 'Windows application directories', input: pod('C:\\data', 'D:\\', 'c:/kube-logs', 'C:\\ProgramData\\app') },
    {
      name: 'other volume types',
      input: basePod(
        `  containers: [{ name: app, image: "nginx:1.27" }]
  volumes:
  - { name: tmp, emptyDir: {} }
  - { name: cfg, configMap: { name: etc } }
  - { name: odd, hostPath: "not an object" }
  - { name: empty, hostPath: { path: "" } }
  - { name: templated, hostPath: { path: "{{ .Values.hostPath }}" } }`,
        '{ name: p }',
      ),
    },
  ],
  invalid: [
    {
      // Root in a container with the system bus drives systemd on the node; azureuser has sudo there.
      name: 'the D-Bus socket and the AKS admin user',
      input: pod('/var/run/dbus/system_bus_socket', '/home/azureuser/.ssh'),
      findings: [
        { field: 'spec.volumes[0].hostPath', message: /system D-Bus socket/ },
        { field: 'spec.volumes[1].hostPath', message: /admin user \(azureuser by default on AKS\)/ },
      ],
    },
    {
      name: "the runtime's directory, and the BPF filesystem Cilium pins its maps in",
      input: pod('/run/containerd', '/sys/fs/bpf'),
      findings: [
        { field: 'spec.volumes[0].hostPath', message: /mounts \/run\/containerd: the containerd socket and its directory/ },
        { field: 'spec.volumes[1].hostPath', message: /mounts \/sys\/fs\/bpf: the node's BPF filesystem/ },
      ],
    },
    {
      name: 'runtime sockets in all their spellings',
      input: pod('/var/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/var/run/cri-dockerd.sock', '//var//run/./docker.sock/'),
      findings: [
        { field: 'spec.volumes[0].hostPath', message: 'hostPath volume v0 mounts /var/run/docker.sock: the Docker socket', severity: 'critical' },
        { field: 'spec.volumes[1].hostPath', message: /mounts \/run\/containerd\/containerd\.sock: the containerd socket$/ },
        { field: 'spec.volumes[2].hostPath', message: /mounts \/var\/run\/crio\/crio\.sock: the CRI-O socket$/ },
        { field: 'spec.volumes[3].hostPath', message: /cri-dockerd socket/ },
        { field: 'spec.volumes[4].hostPath', message: /: the Docker socket$/ },
      ],
    },
    {
      name: 'parents of sensitive paths',
      input: pod('/', '/var/run', '/var', '/etc/'),
      findings: [
        { message: "hostPath volume v0 mounts /: the node's root filesystem" },
        { message: /^hostPath volume v1 mounts \/var\/run: it contains \/run\/docker\.sock, / },
        { message: /^hostPath volume v2 mounts \/var: it contains \/var\/lib\/docker, / },
        { message: 'hostPath volume v3 mounts /etc/: the node configuration, including /etc/kubernetes/azure.json' },
      ],
    },
    {
      name: 'below sensitive directories, with dot-dot tricks',
      input: pod('/var/lib/kubelet/pods', '/etc/kubernetes/azure.json', '/var/log/pods', '/opt/../proc/1/root', 'sys/fs/cgroup', '/var/lib/waagent/'),
      findings: [
        { message: /kubelet state/ },
        { message: /Azure cloud-provider credentials/ },
        { message: /the logs of the node and of every pod on it/ },
        { message: /mounts \/opt\/\.\.\/proc\/1\/root: the node's processes/ },
        { message: /mounts sys\/fs\/cgroup: the kernel, device and cgroup settings/ },
        { message: /Azure VM agent/ },
      ],
    },
    {
      name: "a Windows node's C:\\k (kubeconfig, azure.json), whatever the case and slashes, its system drive and registry hives",
      input: pod('C:\\k', 'c:/K/azure.json', 'C:\\', 'C:\\Windows\\System32\\config\\', 'C:\\var\\lib\\kubelet\\pods'),
      findings: [
        { message: /mounts C:\\k: the Windows node's kubeconfig/ },
        { message: /mounts c:\/K\/azure.json: the Windows node's kubeconfig/ },
        { message: /mounts C:\\: the node's system drive/ },
        { message: /registry hives/ },
        { message: /kubelet state/ },
      ],
    },
    {
      name: 'Windows runtime pipe',
      input: pod('\\\\.\\pipe\\containerd-containerd'),
      findings: [{ message: /named pipe/ }],
    },
    {
      name: 'Deployment and CronJob paths',
      input: `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-agent }
spec:
  selector: { matchLabels: { app: a } }
  template:
    metadata: { labels: { app: a } }
    spec:
      containers: [{ name: a, image: "x.azurecr.io/a:1" }]
      volumes: [{ name: root, hostPath: { path: /root/.ssh } }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: cleanup }
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{ name: c, image: "x.azurecr.io/c:1" }]
          volumes: [{ name: docker, hostPath: { path: /var/lib/docker/containers, type: Directory } }]
`,
      findings: [
        { resource: 'DaemonSet/node-agent', field: 'spec.template.spec.volumes[0].hostPath' },
        { resource: 'CronJob/cleanup', field: 'spec.jobTemplate.spec.template.spec.volumes[0].hostPath' },
      ],
    },
  ],
});

it('cross-references per finding', () => {
  const refs = findingsFor(rule, pod('/var/run/docker.sock', '/etc', '/var/lib/kubelet', '/run/containerd/containerd.sock', '/')).map((f) =>
    f.frameworks.map((r) => `${r.framework}:${r.id}`),
  );
  // Every finding also carries the references of workload/host-path-volume, which leaves the volume to it.
  const hostPathVolume = ['pss:hostPathVolumes', 'kubescape:C-0048', 'trivy:KSV023'];
  expect(refs).toEqual([
    ['kubescape:C-0074', 'trivy:KSV006', 'mitre:T1611', ...hostPathVolume],
    ['kubescape:C-0020', 'trivy:KSV121', 'mitre:T1611', ...hostPathVolume],
    ['mitre:T1611', ...hostPathVolume],
    ['kubescape:C-0074', 'mitre:T1611', ...hostPathVolume],
    ['kubescape:C-0074', 'kubescape:C-0020', 'trivy:KSV121', 'mitre:T1611', ...hostPathVolume],
  ]);
});

it('records the normalised path and the containers that mount the volume', () => {
  const [f] = findingsFor(rule, pod('/var//run/../run/docker.sock/'));
  expect(f?.evidence).toEqual({ observed: '/var//run/../run/docker.sock/', normalized: '/var/run/docker.sock', expected: expect.any(String), mountedBy: ['app'] });
});

it("maps a Windows node's credentials to kubescape's cloud-credentials control", () => {
  const [f] = findingsFor(rule, pod('C:\\k'));
  expect(f?.frameworks?.map((r) => r.id)).toEqual(['C-0020', 'T1611', 'hostPathVolumes', 'C-0048', 'KSV023']);
});

describe('beside workload/host-path-volume', () => {
  // prometheus-node-exporter as kube-prometheus-stack renders it: read-only, non-root, no capabilities.
  const nodeExporter = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: kps-prometheus-node-exporter, namespace: monitoring }
spec:
  selector: { matchLabels: { app: node-exporter } }
  template:
    metadata: { labels: { app: node-exporter } }
    spec:
      automountServiceAccountToken: false
      securityContext: { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 }
      containers:
      - name: node-exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        securityContext: { readOnlyRootFilesystem: true }
        volumeMounts:
        - { name: proc, mountPath: /host/proc, readOnly: true }
        - { name: sys, mountPath: /host/sys, readOnly: true }
        - { name: root, mountPath: /host/root, mountPropagation: HostToContainer, readOnly: true }
        - { name: textfile, mountPath: /textfile, readOnly: true }
      volumes:
      - { name: proc, hostPath: { path: /proc } }
      - { name: sys, hostPath: { path: /sys } }
      - { name: root, hostPath: { path: / } }
      - { name: textfile, hostPath: { path: /var/lib/node-exporter } }
`;
  const scan = (rules = [rule, hostPathVolume, restrictedVolumeType]) =>
    evaluate(rules, new Inventory(parseResources(nodeExporter)), DEFAULT_SETTINGS).findings;

  it('reports each sensitive volume once, as critical, and leaves the others to the Pod Security rule', () => {
    expect(scan().map((f) => `${f.field ?? ''} <- ${f.rule} ${f.severity}`)).toEqual([
      'spec.template.spec.volumes[0].hostPath <- workload/sensitive-host-path critical',
      'spec.template.spec.volumes[1].hostPath <- workload/sensitive-host-path critical',
      'spec.template.spec.volumes[2].hostPath <- workload/sensitive-host-path critical',
      'spec.template.spec.volumes[3].hostPath <- workload/host-path-volume high',
    ]);
  });

  it("keeps every cross-reference of the finding it takes the place of", () => {
    const [kept] = scan();
    const dropped = scan([hostPathVolume])[0];
    const key = (r: { framework: string; id: string; level?: string }) => `${r.framework}:${r.level ?? ''}:${r.id}`;
    expect(kept?.frameworks.map(key)).toEqual(expect.arrayContaining(dropped?.frameworks.map(key) ?? ['none']));
    expect(kept?.frameworks.map(key)).toEqual(expect.arrayContaining(['pss:baseline:hostPathVolumes', 'kubescape::C-0048', 'trivy::KSV023']));
  });
});
