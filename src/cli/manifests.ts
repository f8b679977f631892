import { Command } from 'commander';
import { dump } from 'js-yaml';
import { isNamespaceName } from '../admission/namespaces.js';
import { UsageError } from '../core/errors.js';
import { scannerClusterRole, scannerClusterRoleBinding, SCANNER_NAME } from '../ingest/kube-rbac.js';
import { writeResult } from './output.js';

export function manifestsCommand(): Command {
  const manifests = new Command('manifests').description('Kubernetes manifests that Palisade needs in a cluster');
  manifests.addCommand(
    new Command('scanner-rbac')
      .description('the least-privilege ClusterRole for live scans (scan --cluster), bound to ServiceAccount palisade')
      .option('-n, --namespace <namespace>', 'the namespace of the palisade ServiceAccount', SCANNER_NAME)
      .option('-o, --output <file>', 'write the manifests to a file instead of stdout')
      .action((opts: { namespace: string; output?: string }) => {
        if (!isNamespaceName(opts.namespace)) throw new UsageError(`--namespace takes a namespace name, not ${JSON.stringify(opts.namespace)}`);
        writeResult(scannerRbacYaml(opts.namespace), opts.output);
      }),
  );
  return manifests;
}

/** The role and its binding as a YAML stream for kubectl apply -f -. */
export function scannerRbacYaml(namespace: string): string {
  const header = [
    `# Read-only access for palisade scan --cluster, run as ServiceAccount ${namespace}/${SCANNER_NAME}:`,
    '# list on every kind Palisade reads, and get on namespaces (a scan with -n gets its Namespace); nothing more.',
    '# Secrets are listed as metadata only, but RBAC cannot limit a list to metadata: whoever holds this',
    '# binding can list Secret values with another client, so keep the ServiceAccount for the scanner alone.',
    '# That grant is accepted on the objects (palisade.io/ignore: rbac/can-read-secrets, with this reason), so a',
    '# scan of the cluster reports it as suppressed rather than failing on its own scanner.',
    `# The ServiceAccount: kubectl create namespace ${namespace}; kubectl -n ${namespace} create serviceaccount ${SCANNER_NAME}`,
  ];
  const docs = [scannerClusterRole(), scannerClusterRoleBinding(namespace)].map((o) => dump(o, { lineWidth: -1, noRefs: true, flowLevel: 3 }));
  return `${header.join('\n')}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
