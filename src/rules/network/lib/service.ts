import { asArray, asObj, type Obj } from '../../../core/resource.js';

/** `80/TCP, 443/TCP`: the ports a Service exposes, for messages; `''` when it lists none. */
export function servicePorts(spec: Obj, which: 'port' | 'nodePort' = 'port'): string {
  return asArray(spec.ports)
    .map(asObj)
    .filter((p): p is Obj => p !== undefined)
    .map((p) => {
      const port = p[which];
      const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
      return typeof port === 'number' ? `${port}/${protocol}` : undefined;
    })
    .filter((s): s is string => s !== undefined)
    .join(', ');
}
