import type { InputNote } from '../../core/errors.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, isObj, type Obj } from '../../core/resource.js';
import type { NetworkPolicyModel } from './policy.js';

const METADATA_NAME = 'kubernetes.io/metadata.name';
const SHOWN = 3;

/** The label keys a namespaceSelector tests besides the name label every namespace has. */
function otherLabelKeys(selector: Obj): string[] {
  const keys = Object.keys(asObj(selector.matchLabels) ?? {});
  for (const e of asArray(selector.matchExpressions)) if (isObj(e) && typeof e.key === 'string') keys.push(e.key);
  return keys.filter((k) => k !== METADATA_NAME);
}

/** The first peer of the policies whose namespaceSelector tests a label other than the namespace's name. */
function labelTestingPeer(policies: readonly NetworkPolicyModel[]): { policy: NetworkPolicyModel; keys: string[] } | undefined {
  for (const policy of policies)
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers === 'any') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'pods' || peer.namespaceSelector === undefined) continue;
        const keys = otherLabelKeys(peer.namespaceSelector);
        if (keys.length > 0) return { policy, keys };
      }
    }
  return undefined;
}

/**
 * A warning when a policy selects namespaces by a label other than their name and some namespace with
 * pods has no Namespace object in the input: all that is known of its labels is the
 * kubernetes.io/metadata.name the API server gives every namespace, so the answers treat it as having no
 * other label, which the cluster may contradict. Undefined when nothing is left unknown that way.
 */
export function unlabelledNamespacesWarning(inventory: Inventory, namespacesWithPods: Iterable<string>, policies: readonly NetworkPolicyModel[]): InputNote | undefined {
  const peer = labelTestingPeer(policies);
  if (!peer) return undefined;
  const missing = [...new Set(namespacesWithPods)].filter((ns) => inventory.namespaceLabels(ns) === undefined).sort();
  if (missing.length === 0) return undefined;
  const names = missing.slice(0, SHOWN).join(', ') + (missing.length > SHOWN ? ` and ${missing.length - SHOWN} more` : '');
  const { policy } = peer;
  const keys = [...new Set(peer.keys)];
  const labels = keys.join(', ');
  return {
    source: policy.resource.source.file,
    line: policy.resource.source.line,
    message:
      `NetworkPolicy ${policy.namespace}/${policy.name} selects namespaces by ${keys.length === 1 ? 'label' : 'labels'} ${labels}, but ` +
      `${missing.length === 1 ? 'namespace' : 'namespaces'} ${names} ${missing.length === 1 ? 'has' : 'have'} pods and no Namespace object in the input: ` +
      `only ${missing.length === 1 ? 'its' : 'their'} ${METADATA_NAME} label is known, and the answers take ${missing.length === 1 ? 'it' : 'them'} to have no other label ` +
      '(add the Namespace manifests, or read the cluster with --cluster)',
  };
}
