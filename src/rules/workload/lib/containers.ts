import type { ContainerView } from '../../../core/workload.js';

/** `container app`, `init container migrate`, `ephemeral container debugger`: how messages name a container. */
export function describe(c: ContainerView): string {
  if (c.kind === 'initContainers') return `init container ${c.name}`;
  if (c.kind === 'ephemeralContainers') return `ephemeral container ${c.name}`;
  return `container ${c.name}`;
}
