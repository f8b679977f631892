import { describe, expect, it } from 'vitest';
import { azureScopeText } from '../../../src/analyses/rbac/azure-scope.js';

describe('azureScopeText', () => {
  const rg = '/subscriptions/0000/resourceGroups/rg-aks';
  it.each([
    [`${rg}/providers/Microsoft.ContainerService/managedClusters/aks1`, 'cluster aks1'],
    [`${rg}/providers/Microsoft.ContainerService/managedClusters/aks1/namespaces/shop`, 'namespace shop of cluster aks1'],
    // ARM ids are compared without regard to case.
    [`${rg.toLowerCase()}/providers/microsoft.containerservice/managedclusters/aks1`, 'cluster aks1'],
    [rg, 'resource group rg-aks'],
    ['/subscriptions/0000', 'subscription 0000'],
    ['/providers/Microsoft.Management/managementGroups/corp', 'management group corp'],
    // Anything else (a storage account, a typo) is shown as written, and no scope as the root.
    [`${rg}/providers/Microsoft.Storage/storageAccounts/logs`, `${rg}/providers/Microsoft.Storage/storageAccounts/logs`],
    ['', '/'],
    [undefined, '/'],
  ])('%s → %s', (scope, text) => {
    expect(azureScopeText(scope)).toBe(text);
  });
});
