import type { Finding } from '../../src/core/finding.js';
import { findingId } from '../../src/core/finding.js';
import { REPORT_SCHEMA, sortFindings, summarize, type Report } from '../../src/core/report.js';
import type { ResourceRef } from '../../src/core/resource.js';
import type { RuleMeta } from '../../src/core/rule.js';

const PSS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

/** Catalog metadata for the fixture's rules. `aks/local-accounts-enabled` is left out on purpose: renderers must cope. */
export const RULES: RuleMeta[] = [
  {
    id: 'workload/privileged-container',
    title: 'Container runs privileged',
    severity: 'critical',
    pillar: 'configuration',
    frameworks: [
      { framework: 'pss', level: 'baseline', id: 'privileged' },
      { framework: 'cis-aks', id: '4.2.1' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description: 'A privileged container has all host devices and capabilities: a breakout is one step away.',
    remediation: 'Remove securityContext.privileged or set it to false.',
    references: [PSS, 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  {
    id: 'workload/host-network',
    title: 'Pod shares the host network',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [{ framework: 'pss', level: 'baseline', id: 'hostNamespaces' }],
    description: 'A pod on the host network sees every node interface and bypasses NetworkPolicy.',
    remediation: 'Remove spec.hostNetwork or set it to false.',
    references: [PSS],
  },
  {
    id: 'workload/host-pid',
    title: 'Pod shares the host PID namespace',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [{ framework: 'pss', level: 'baseline', id: 'hostNamespaces' }],
    description: 'A pod in the host PID namespace can see and signal every process on the node.',
    remediation: 'Remove spec.hostPID or set it to false.',
    references: [PSS],
  },
  {
    id: 'workload/host-port',
    title: 'Container binds a host port',
    severity: 'medium',
    pillar: 'network',
    frameworks: [{ framework: 'pss', level: 'baseline', id: 'hostPorts' }],
    description: 'A host port exposes the container on every node address, outside Service and NetworkPolicy.',
    remediation: 'Remove ports[].hostPort and expose the port through a Service.',
    references: [PSS],
  },
  {
    id: 'workload/missing-resource-limits',
    title: 'Container has no resource limits',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [{ framework: 'kube-score', id: 'container-resources' }],
    description: 'Without limits one container can starve its node.',
    remediation: 'Set resources.limits.cpu and resources.limits.memory on every container.',
    references: [],
  },
  {
    id: 'workload/image-tag-latest',
    title: 'Image uses the latest tag',
    severity: 'low',
    pillar: 'images',
    frameworks: [],
    description: 'A moving tag makes the running code depend on when the node pulled it.',
    remediation: 'Pin the image by digest or by an immutable version tag.',
    references: ['https://kubernetes.io/docs/concepts/containers/images/'],
  },
  {
    id: 'workload/image-untrusted-registry',
    title: 'Image comes from an untrusted registry',
    severity: 'high',
    pillar: 'images',
    frameworks: [],
    description: 'Images from registries outside the trusted list have no provenance.',
    remediation: 'Pull images from a trusted registry such as your Azure Container Registry.',
    references: [],
  },
  {
    id: 'workload/run-as-root',
    title: 'Container may run as root',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [{ framework: 'pss', level: 'restricted', id: 'runAsNonRoot' }],
    description: 'Root in a container is root on the node after any breakout.',
    remediation: 'Set securityContext.runAsNonRoot: true.',
    references: [PSS],
  },
];

const WEB: ResourceRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const API: ResourceRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' };
const EXPORTER: ResourceRef = { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' };
const REPORT_JOB: ResourceRef = { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'batch', name: 'report' };
const DEBUG_POD: ResourceRef = { apiVersion: 'v1', kind: 'Pod', namespace: null, name: 'debug' };
const MASQ: ResourceRef = { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'azure-ip-masq-agent' };
const CLUSTER: ResourceRef = { apiVersion: '2024-05-01', kind: 'ManagedCluster', namespace: null, name: 'prod-aks' };

type Spec = Omit<Finding, 'id' | 'title' | 'pillar' | 'remediation' | 'frameworks' | 'evidence'> & Partial<Pick<Finding, 'title' | 'pillar' | 'remediation' | 'frameworks'>>;

function finding(spec: Spec): Finding {
  const meta = RULES.find((r) => r.id === spec.rule);
  return {
    id: findingId(spec.rule, spec.resource, spec.container, spec.field),
    title: meta?.title ?? spec.title ?? '',
    pillar: meta?.pillar ?? spec.pillar ?? 'configuration',
    remediation: meta?.remediation ?? spec.remediation ?? '',
    frameworks: meta?.frameworks ?? spec.frameworks ?? [],
    evidence: { observed: 'see message', expected: 'see remediation' },
    ...spec,
  };
}

const WEB_FILE = 'deploy/web.yaml';
const JOBS_FILE = 'deploy/jobs/batch.yaml';

export const FINDINGS: Finding[] = [
  finding({
    rule: 'workload/privileged-container',
    severity: 'critical',
    resource: WEB,
    container: 'app',
    field: 'spec.template.spec.containers[0].securityContext.privileged',
    message: 'container app sets privileged: true',
    location: { file: WEB_FILE, line: 23 },
    verify: "kubectl get deploy web -n shop -o jsonpath='{.spec.template.spec.containers[0].securityContext.privileged}'",
    baseline: 'new',
  }),
  finding({
    rule: 'workload/host-network',
    severity: 'high',
    resource: WEB,
    field: 'spec.template.spec.hostNetwork',
    message: 'pod sets hostNetwork: true',
    location: { file: WEB_FILE, line: 18 },
    baseline: 'existing',
  }),
  finding({
    rule: 'workload/missing-resource-limits',
    severity: 'medium',
    resource: WEB,
    container: 'sidecar',
    field: 'spec.template.spec.containers[1].resources.limits.cpu',
    message: 'container sidecar sets neither limits.cpu | limits.memory (<unset>)',
    location: { file: WEB_FILE, line: 31 },
    baseline: 'existing',
  }),
  finding({
    rule: 'workload/host-port',
    severity: 'medium',
    resource: WEB,
    container: 'app',
    field: 'spec.template.spec.containers[0].ports[0].hostPort',
    message: 'container app binds host port 8080',
    location: { file: WEB_FILE, line: 27 },
    suppressed: { kind: 'annotation', reason: 'legacy load balancer health check' },
    baseline: 'existing',
  }),
  finding({
    rule: 'workload/host-pid',
    severity: 'high',
    resource: EXPORTER,
    field: 'spec.template.spec.hostPID',
    message: 'pod sets hostPID: true',
    location: { file: WEB_FILE, line: 70 },
    suppressed: { kind: 'exception', reason: 'node exporter reads host process metrics', expires: '2027-01-31' },
    baseline: 'existing',
  }),
  finding({
    rule: 'workload/privileged-container',
    severity: 'critical',
    resource: MASQ,
    container: 'ip-masq-agent',
    field: 'spec.template.spec.containers[0].securityContext.privileged',
    message: 'container ip-masq-agent sets privileged: true',
    location: { file: WEB_FILE, line: 90 },
    suppressed: { kind: 'provider-managed', reason: 'installed and managed by AKS' },
    baseline: 'existing',
  }),
  finding({
    rule: 'workload/image-tag-latest',
    severity: 'low',
    resource: REPORT_JOB,
    container: 'report',
    field: 'spec.jobTemplate.spec.template.spec.containers[0].image',
    message: 'container report uses image `reporter:latest`',
    location: { file: JOBS_FILE, line: 12 },
    baseline: 'new',
  }),
  finding({
    // A rule that cannot decide reports at info and says why; the message carries a control character from the manifest.
    rule: 'workload/image-untrusted-registry',
    severity: 'info',
    resource: DEBUG_POD,
    container: 'shell',
    field: 'spec.containers[0].image',
    message: 'container shell image is an unresolved template: {{ .Values.image }}\u001b[31m',
    location: { file: JOBS_FILE, line: 30 },
    baseline: 'new',
  }),
  finding({
    rule: 'aks/local-accounts-enabled',
    title: 'Cluster allows local accounts',
    severity: 'high',
    pillar: 'access',
    remediation: 'Disable local accounts: az aks update --disable-local-accounts.',
    resource: CLUSTER,
    message: 'cluster prod-aks has disableLocalAccounts: false',
    baseline: 'existing',
  }),
];

export const FIXED: Finding[] = [
  finding({
    rule: 'workload/run-as-root',
    severity: 'medium',
    resource: API,
    container: 'api',
    field: 'spec.template.spec.containers[0].securityContext.runAsNonRoot',
    message: 'container api does not set runAsNonRoot',
    location: { file: WEB_FILE, line: 60 },
  }),
];

export function fixtureReport(): Report {
  const findings = sortFindings(FINDINGS.map((f) => ({ ...f })));
  const active = findings.filter((f) => f.suppressed === undefined);
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'palisade', version: '0.1.0' },
    generatedAt: '2026-11-26T12:00:00Z',
    summary: summarize(findings, 9),
    findings,
    errors: [
      { source: 'deploy/broken.yaml', line: 3, message: 'bad indentation of a mapping entry' },
      { source: 'charts/private', message: 'EACCES: permission denied' },
    ],
    notes: [{ source: JOBS_FILE, line: 44, message: 'skipped a document without apiVersion and kind' }],
    baseline: {
      file: 'baseline.json',
      new: active.filter((f) => f.baseline === 'new').length,
      existing: active.filter((f) => f.baseline === 'existing').length,
      fixed: FIXED.map((f) => ({ ...f })),
    },
  };
}

/** A scan with nothing to say. */
export function cleanReport(): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'palisade', version: '0.1.0' },
    generatedAt: '2026-11-26T12:00:00Z',
    summary: summarize([], 4),
    findings: [],
    errors: [],
    notes: [],
  };
}
