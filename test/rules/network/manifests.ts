/** Manifests the network rule tests are written with. */

export const ns = (name: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name} }
`;

/** `ports`: the container's ports as a YAML flow list (`[{ name: http, containerPort: 8080 }]`). */
export const deploy = (name: string, namespace: string | undefined, labels = `app: ${name}`, extra = '', ports = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} } }
    spec:
${extra}      containers: [{ name: app, image: "contoso.azurecr.io/${name}:1.0"${ports ? `, ports: ${ports}` : ''} }]
`;

export const policy = (name: string, namespace: string | undefined, spec: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }
spec:
${spec}
`;

export const docs = (...d: string[]): string => d.join('---\n');
