/**
 * An Azure scope in words: `cluster aks1`, `namespace shop of cluster aks1`, `resource group rg-aks`,
 * `subscription 0000...`, `management group corp`; any other scope as written. Messages and path
 * steps say where a role is held this way; evidence and JSON keep the full resource id.
 */
export function azureScopeText(scope: string | undefined): string {
  if (!scope) return '/';
  const m = (re: RegExp) => re.exec(scope)?.[1];
  const cluster = m(/\/managedClusters\/([^/]+)/i);
  const ns = m(/\/managedClusters\/[^/]+\/namespaces\/([^/]+)/i);
  if (ns && cluster) return `namespace ${ns} of cluster ${cluster}`;
  if (cluster) return `cluster ${cluster}`;
  const group = m(/\/resourceGroups\/([^/]+)$/i);
  if (group) return `resource group ${group}`;
  const sub = m(/^\/subscriptions\/([^/]+)$/i);
  if (sub) return `subscription ${sub}`;
  const mg = m(/\/managementGroups\/([^/]+)$/i);
  if (mg) return `management group ${mg}`;
  return scope;
}
