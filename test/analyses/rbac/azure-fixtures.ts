/** Azure documents as the az CLI prints them, for the access tests. */

export const SUB = '/subscriptions/00000000-0000-0000-0000-00000000000a';
export const RG = `${SUB}/resourceGroups/rg-aks`;
export const CLUSTER_ID = `${RG}/providers/Microsoft.ContainerService/managedClusters/aks1`;

export const ROLES = {
  clusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
  admin: '3498e952-d568-435e-9b2c-8d77e338d7f7',
  writer: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
  reader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
  clusterUser: '4abbcc35-e782-43d8-92c5-2d3473bde2f4',
  aksContributor: 'ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8',
  contributor: 'b24988ac-6180-42ed-a40f-0ae24588f7bc',
} as const;

let n = 0;
/** One `az role assignment list` entry (JSON, which YAML reads as is). */
export function assignment(p: { role: string; scope: string; principalId: string; principalType: 'User' | 'Group' | 'ServicePrincipal'; principalName?: string; name?: string; condition?: string }): string {
  const name = p.name ?? `aaaaaaaa-0000-0000-0000-${String(++n).padStart(12, '0')}`;
  return `\n---\n${JSON.stringify({
    condition: p.condition ?? null,
    id: `${p.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    principalId: p.principalId,
    ...(p.principalName ? { principalName: p.principalName } : {}),
    principalType: p.principalType,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${p.role}`,
    scope: p.scope,
    type: 'Microsoft.Authorization/roleAssignments',
  })}\n`;
}

/** `az aks show` of aks1, with the Entra and local-account settings under test. */
export function cluster(p: { azureRbac?: boolean; localAccounts?: boolean; adminGroups?: string[]; entra?: boolean } = {}): string {
  const aad = p.entra === false ? null : { managed: true, enableAzureRbac: p.azureRbac ?? true, adminGroupObjectIDs: p.adminGroups ?? null, tenantId: '00000000-0000-0000-0000-0000000000ff' };
  return `\n---\n${JSON.stringify({
    id: CLUSTER_ID,
    name: 'aks1',
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'westeurope',
    kubernetesVersion: '1.34.1',
    enableRbac: true,
    aadProfile: aad,
    disableLocalAccounts: p.localAccounts === undefined ? true : !p.localAccounts,
    agentPoolProfiles: [],
  })}\n`;
}

export function identity(name: string, clientId: string, principalId: string): string {
  return `\n---\n${JSON.stringify({ id: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`, name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', clientId, principalId })}\n`;
}

export function federatedServiceAccount(ns: string, name: string, clientId: string): string {
  return `\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ${name}, namespace: ${ns}, annotations: { azure.workload.identity/client-id: "${clientId}" } }\n`;
}
