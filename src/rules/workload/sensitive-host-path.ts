import type { FrameworkRef } from '../../core/frameworks.js';
import { isPublicHostFile } from '../../core/host-paths.js';
import { posix } from 'node:path';
import { defineRule } from '../../core/rule.js';
import hostPathVolume from '../pss/host-path-volumes.js';
import { hostPathVolumes, mountsOf, normalizeHostPath } from './lib/host-path.js';

type Exposure = 'runtime-socket' | 'runtime-storage' | 'cloud-credentials' | 'node';

interface SensitivePath {
  path: string;
  what: string;
  exposure: Exposure;
  /** Also sensitive below this path (a directory), not only the path itself. */
  subtree: boolean;
}

const SENSITIVE: SensitivePath[] = [
  { path: '/', what: "the node's root filesystem", exposure: 'node', subtree: false },
  { path: '/run/docker.sock', what: 'the Docker socket', exposure: 'runtime-socket', subtree: false },
  { path: '/run/docker', what: 'the Docker runtime directory', exposure: 'runtime-socket', subtree: true },
  { path: '/run/dockershim.sock', what: 'the dockershim socket', exposure: 'runtime-socket', subtree: false },
  { path: '/run/cri-dockerd.sock', what: 'the cri-dockerd socket', exposure: 'runtime-socket', subtree: false },
  { path: '/run/containerd', what: 'the containerd socket and its directory', exposure: 'runtime-socket', subtree: true },
  { path: '/run/containerd/containerd.sock', what: 'the containerd socket', exposure: 'runtime-socket', subtree: false },
  { path: '/run/dbus', what: "the system D-Bus socket, through which a root process drives the node's systemd", exposure: 'node', subtree: true },
  { path: '/run/crio', what: 'the CRI-O socket directory', exposure: 'runtime-socket', subtree: true },
  { path: '/run/crio/crio.sock', what: 'the CRI-O socket', exposure: 'runtime-socket', subtree: false },
  { path: '/var/lib/docker', what: 'Docker image and container storage', exposure: 'runtime-storage', subtree: true },
  { path: '/var/lib/containerd', what: 'containerd image and container storage', exposure: 'runtime-storage', subtree: true },
  {
    path: '/var/lib/kubelet',
    what: 'kubelet state: its credentials and the volumes, secrets and tokens of every pod on the node',
    exposure: 'node',
    subtree: true,
  },
  { path: '/var/log', what: 'the logs of the node and of every pod on it (written to, a place where planted links make the kubelet read any node file)', exposure: 'node', subtree: true },
  { path: '/etc', what: 'the node configuration', exposure: 'node', subtree: true },
  { path: '/etc/kubernetes', what: 'the Kubernetes node configuration and credentials', exposure: 'node', subtree: true },
  { path: '/etc/kubernetes/azure.json', what: 'the Azure cloud-provider credentials', exposure: 'cloud-credentials', subtree: false },
  { path: '/var/lib/waagent', what: "the Azure VM agent's provisioning data and certificates", exposure: 'cloud-credentials', subtree: true },
  { path: '/.azure', what: 'Azure CLI credentials', exposure: 'cloud-credentials', subtree: true },
  { path: '/root', what: "root's home directory (SSH keys, CLI credentials)", exposure: 'node', subtree: true },
  { path: '/home/azureuser', what: "the home of the node's admin user (azureuser by default on AKS): its SSH keys, and it has sudo", exposure: 'node', subtree: true },
  { path: '/root/.azure', what: 'Azure CLI credentials', exposure: 'cloud-credentials', subtree: true },
  { path: '/proc', what: "the node's processes and kernel settings", exposure: 'node', subtree: true },
  { path: '/sys', what: 'the kernel, device and cgroup settings of the node', exposure: 'node', subtree: true },
  { path: '/sys/fs/bpf', what: "the node's BPF filesystem: the eBPF maps and programs its network dataplane (Cilium) pins there", exposure: 'node', subtree: true },
  { path: '/dev', what: 'the node devices, its disks included', exposure: 'node', subtree: true },
  { path: '/boot', what: 'the node kernel and boot loader', exposure: 'node', subtree: true },
];

const WINDOWS_RUNTIME_PIPES = ['\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\containerd-containerd'];

/**
 * Windows node paths, lower-cased with forward slashes. C:\k is where AKS keeps a Windows node's
 * kubeconfig, kubelet credentials and azure.json (the cloud-provider credentials /etc/kubernetes holds on
 * Linux nodes).
 */
const WINDOWS_SENSITIVE: SensitivePath[] = [
  { path: 'c:/', what: "the node's system drive", exposure: 'node', subtree: false },
  { path: 'c:/k', what: "the Windows node's kubeconfig, kubelet credentials and azure.json (Azure cloud-provider credentials)", exposure: 'cloud-credentials', subtree: true },
  { path: 'c:/var/lib/kubelet', what: 'kubelet state: the volumes, secrets and tokens of every pod on the node', exposure: 'node', subtree: true },
  { path: 'c:/programdata/containerd', what: 'containerd image and container storage', exposure: 'runtime-storage', subtree: true },
  { path: 'c:/programdata/docker', what: 'Docker image and container storage', exposure: 'runtime-storage', subtree: true },
  { path: 'c:/azuredata', what: "the Azure VM agent's provisioning data", exposure: 'cloud-credentials', subtree: true },
  { path: 'c:/windows/system32/config', what: "the node's registry hives, its local account hashes included", exposure: 'node', subtree: true },
];

/** `C:\k\` → `c:/k`: a drive path lower-cased (Windows paths ignore case), with forward slashes, normalised. */
function windowsPath(raw: string): string | undefined {
  if (!/^[A-Za-z]:([\\/]|$)/.test(raw)) return undefined;
  const p = posix.normalize(`/${raw.slice(2).replace(/\\/g, '/')}`);
  return `${raw.slice(0, 2).toLowerCase()}${p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p}`.toLowerCase();
}

// Trivy's KSV121 flags exactly these paths.
const TRIVY_DISALLOWED = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker']);

const within = (p: string, dir: string): boolean => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** On current distributions /var/run is a link to /run: both name the same sockets. */
function canonical(p: string): string {
  return within(p, '/var/run') ? p.slice('/var'.length) : p;
}

interface Classification {
  /** The most specific sensitive path at or above the mounted path. */
  covering?: SensitivePath;
  /** Sensitive paths below the mounted path: mounting a parent exposes them. */
  inside: SensitivePath[];
}

function classify(p: string, table: readonly SensitivePath[] = SENSITIVE): Classification | undefined {
  if (isPublicHostFile(p)) return undefined;
  let covering: SensitivePath | undefined;
  for (const s of table) {
    if ((p === s.path || (s.subtree && within(p, s.path))) && (!covering || s.path.length > covering.path.length)) covering = s;
  }
  const inside = table.filter((s) => s.path !== p && within(s.path, p));
  return covering || inside.length > 0 ? { ...(covering ? { covering } : {}), inside } : undefined;
}

function including(paths: SensitivePath[], lead: string): string {
  if (paths.length === 0) return '';
  return lead + paths.slice(0, 3).map((s) => s.path).join(', ') + (paths.length > 3 ? ', ...' : '');
}

function frameworksFor(normalized: string, p: string, exposures: Set<Exposure>): FrameworkRef[] {
  const refs: FrameworkRef[] = [];
  if (exposures.has('runtime-socket')) refs.push({ framework: 'kubescape', id: 'C-0074' });
  if (p === '/run/docker.sock') refs.push({ framework: 'trivy', id: 'KSV006' });
  if (exposures.has('cloud-credentials')) refs.push({ framework: 'kubescape', id: 'C-0020' });
  if (TRIVY_DISALLOWED.has(normalized)) refs.push({ framework: 'trivy', id: 'KSV121' });
  refs.push({ framework: 'mitre', id: 'T1611' });
  return refs;
}

/**
 * workload/host-path-volume (Pod Security's hostPathVolumes) leaves each volume this rule reports to it:
 * the finding carries that check's references as well, so that a mapping to Pod Security, Kubescape's
 * C-0048 or Trivy's KSV023 still finds it.
 */
function withHostPathVolumeRefs(refs: readonly FrameworkRef[]): FrameworkRef[] {
  const key = (r: FrameworkRef) => `${r.framework}\u0000${r.level ?? ''}\u0000${r.id}`;
  const own = new Set(refs.map(key));
  return [...refs, ...hostPathVolume.meta.frameworks.filter((r) => !own.has(key(r)))];
}

export default defineRule({
  meta: {
    id: 'workload/sensitive-host-path',
    title: 'hostPath volume exposes a sensitive node path',
    severity: 'critical',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0074' },
      { framework: 'kubescape', id: 'C-0020' },
      { framework: 'trivy', id: 'KSV006' },
      { framework: 'trivy', id: 'KSV121' },
      { framework: 'kubescape', id: 'C-0048' },
      { framework: 'trivy', id: 'KSV023' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      'Some node paths hand over the node: a container-runtime socket (/var/run/docker.sock, ' +
      '/run/containerd/containerd.sock, /var/run/crio/crio.sock, ...) starts privileged containers; /var/lib/kubelet ' +
      'holds the kubelet credentials and every pod secret on the node; /etc (with /etc/kubernetes/azure.json, the ' +
      'cloud-provider credentials on AKS nodes), /proc, /sys, /dev, /boot, /root, /home/azureuser, /var/log, /var/lib/docker, ' +
      '/var/lib/containerd, /var/lib/waagent and the D-Bus socket (/run/dbus) hold configuration, credentials or the ' +
      'means to change the node. On Windows nodes, C:\\k holds the kubeconfig, kubelet credentials and azure.json; ' +
      'C:\\, C:\\var\\lib\\kubelet, the containerd and Docker data under C:\\ProgramData, C:\\AzureData and the ' +
      'registry hives (C:\\Windows\\System32\\config) count too, whatever the case and slashes. ' +
      'A parent of such a path (/, /var, /run) exposes it too. The path is normalised first (repeated slashes, ' +
      '. and .., a trailing slash; /var/run is /run). Public files often mounted read-only (/etc/localtime, ' +
      '/etc/ssl/certs, ...) are not reported. One finding per volume, whether or not it is mounted read-only. ' +
      'It takes the place of workload/host-path-volume on the volumes it reports and carries that rule\'s references ' +
      '(Pod Security baseline hostPathVolumes, Kubescape C-0048, Trivy KSV023).',
    remediation:
      'Remove the hostPath volume. Give the workload what it needs another way: the Kubernetes API instead of the ' +
      'runtime socket, a projected service-account token or workload identity instead of node credentials, a ' +
      'log agent managed by AKS instead of /var/log.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security',
    ],
  },
  target: { pods: true },
  cel: { unsupported: 'it resolves . and .. in the host path before matching it, a step-by-step walk CEL cannot do' },
  check(ctx) {
    const pod = ctx.pod();
    if (!pod) return;
    const containers = ctx.containers();
    for (const v of hostPathVolumes(pod)) {
      // The field workload/host-path-volume reports, which this finding takes over.
      const field = `${pod.specPath}.volumes[${v.index}].hostPath`;
      const mountedBy = [...new Set(mountsOf(containers, v.name).map((m) => m.container.name))];
      if (/^\\\\/.test(v.path)) {
        if (!WINDOWS_RUNTIME_PIPES.includes(v.path.toLowerCase())) continue;
        ctx.report({
          field,
          message: `hostPath volume ${v.name} mounts ${v.path}: the container runtime's named pipe`,
          evidence: { observed: v.path, expected: 'no hostPath to a container runtime pipe', mountedBy },
          frameworks: withHostPathVolumeRefs([{ framework: 'kubescape', id: 'C-0074' }, { framework: 'mitre', id: 'T1611' }]),
        });
        continue;
      }
      if (v.path.trim() === '') continue;
      const windows = windowsPath(v.path);
      const normalized = windows ?? normalizeHostPath(v.path);
      const p = windows ?? canonical(normalized);
      const found = classify(p, windows ? WINDOWS_SENSITIVE : SENSITIVE);
      if (!found) continue;
      const exposures = new Set([...(found.covering ? [found.covering.exposure] : []), ...found.inside.map((s) => s.exposure)]);
      const what = found.covering
        ? found.covering.what + (found.covering.path === '/' ? '' : including(found.inside.filter((s) => s.exposure !== 'node'), ', including '))
        : including(found.inside, 'it contains ');
      ctx.report({
        field,
        message: `hostPath volume ${v.name} mounts ${v.path}: ${what}`,
        evidence: {
          observed: v.path,
          ...(normalized !== v.path ? { normalized } : {}),
          expected: 'no hostPath to a sensitive node path',
          mountedBy,
        },
        frameworks: withHostPathVolumeRefs(frameworksFor(normalized, p, exposures)),
      });
    }
  },
});
