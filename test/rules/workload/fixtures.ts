/**
 * YAML builders for the manifests the workload rule tables repeat. Each takes the pod spec's body
 * already indented for its place in the manifest, so a case reads as the YAML a user would write.
 * Every builder's output starts and ends with a newline, so documents join with a bare `---`.
 */

/** A Pod; `spec` is indented two spaces, `metadata` is a flow mapping. */
export function pod(spec: string, metadata = '{ name: web }'): string {
  return `
apiVersion: v1
kind: Pod
metadata: ${metadata}
spec:
${spec}
`;
}

/** A Deployment whose pods are labelled `app: <name>`; `spec` is indented six spaces. */
export function deployment(spec: string, name = 'web', namespace?: string | null): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
${spec}
`;
}

/** A CronJob whose pods restart OnFailure; `spec` is the rest of the pod spec, indented ten spaces. */
export function cronJob(spec: string, metadata = '{ name: nightly }', schedule = '"@daily"'): string {
  return `
apiVersion: batch/v1
kind: CronJob
metadata: ${metadata}
spec:
  schedule: ${schedule}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
${spec}
`;
}

/** A LimitRange with one entry of `type`; `entry` is that entry's other field, e.g. `default: { memory: 1Gi }`. */
export function limitRange(metadata: string, type: 'Container' | 'Pod', entry: string): string {
  return `
apiVersion: v1
kind: LimitRange
metadata: ${metadata}
spec:
  limits:
  - type: ${type}
    ${entry}
`;
}

/** Several manifests in one multi-document input. */
export function documents(...docs: string[]): string {
  return docs.join('---');
}
