import { TERRAFORM_CLUSTER_TYPE, TERRAFORM_NODE_POOL_TYPE, terraformAttributesFor, type AksNodePool, type Setting } from '../../../analyses/aks/index.js';

/**
 * Whether a pool setting is unset only because its source cannot set it: the pool is written with the
 * azurerm Terraform provider, which has no attribute for the agent-pool property `path`. A finding then
 * points at nothing the Terraform code could change, and says how to set the property outside it.
 */
export function azurermCannotSet(pool: AksNodePool, path: string, s: Setting): boolean {
  const kind = pool.resource.kind;
  if (kind !== TERRAFORM_CLUSTER_TYPE && kind !== TERRAFORM_NODE_POOL_TYPE) return false;
  return s.known && s.absent === true && terraformAttributesFor(path, 'pool').length === 0;
}
