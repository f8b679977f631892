// The image rule's tests and the image-scanning CLI tests name the workloads that run an image through this one Deployment.

/** A Deployment `name` in namespace shop running `containers`, as a YAML document of its own. */
export function shopDeployment(name: string, containers: readonly { name: string; image: string }[]): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  template:
    spec:
      containers:
${containers.map((c) => `        - { name: ${c.name}, image: "${c.image}" }`).join('\n')}
`;
}
