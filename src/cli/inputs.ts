import type { Command } from 'commander';
import { UsageError, type InputError } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import { readCluster } from '../ingest/kube.js';

/** The flags that add a live cluster to a command's inputs. */
export interface ClusterFlags {
  cluster?: boolean;
  context?: string;
  /** Only on commands that read namespaced kinds for their own sake (scan). */
  namespace?: string;
}

/** Adds --cluster and --context; with `namespace`, also -n/--namespace to limit the namespaced lists. */
export function clusterOptions(cmd: Command, opts: { namespace?: boolean } = {}): Command {
  cmd
    .option('--cluster', 'also read the live cluster of the kubeconfig (KUBECONFIG or ~/.kube/config; read-only, Secrets as metadata only)')
    .option('--context <name>', 'the kubeconfig context to read with --cluster (default: its current-context)');
  if (opts.namespace) cmd.option('-n, --namespace <namespace>', 'with --cluster, read namespaced objects of this namespace only');
  return cmd;
}

function checkFlags(flags: ClusterFlags): void {
  if (flags.cluster) return;
  if (flags.context !== undefined) throw new UsageError('--context needs --cluster');
  if (flags.namespace !== undefined) throw new UsageError('--namespace needs --cluster');
}

/** The paths to read: as given, else `.` — but nothing when a live source is the input. */
export function pathsOrDefault(paths: readonly string[], live: boolean): string[] {
  return paths.length ? [...paths] : live ? [] : ['.'];
}

/** A counter of the lists read, on a TTY stderr only. */
function listProgress(): { onList(done: number, total: number, objects: number): void; done(): void } {
  if (!process.stderr.isTTY) return { onList() {}, done() {} };
  let shown = false;
  return {
    onList(done, total, objects) {
      shown = true;
      process.stderr.write(`\rreading the cluster: ${done}/${total} lists, ${objects} objects`);
    },
    done() {
      if (shown) process.stderr.write(`\r${' '.repeat(60)}\r`);
    },
  };
}

/**
 * The live cluster's resources when --cluster is given (none otherwise), with the problems met reading
 * it; `kinds` narrows the lists to what the command needs.
 */
export async function clusterInputs(flags: ClusterFlags, kinds?: readonly string[]): Promise<{ resources: Resource[]; errors: InputError[] }> {
  checkFlags(flags);
  if (!flags.cluster) return { resources: [], errors: [] };
  const bar = listProgress();
  try {
    return await readCluster({
      ...(flags.context !== undefined ? { context: flags.context } : {}),
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      ...(kinds ? { kinds } : {}),
      onList: bar.onList,
    });
  } finally {
    bar.done();
  }
}
