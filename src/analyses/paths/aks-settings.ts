import { stringMap, type Resource } from '../../core/resource.js';

/**
 * The cluster-level setting under which AKS runs one of its components. AKS re-applies the
 * component's objects, so the setting is the only change the cluster owner can make to it.
 */
export interface AksComponentSetting {
  /** What runs it: `the Azure Policy add-on`. */
  component: string;
  /** The command that turns it off, for an optional add-on; none for a component the cluster cannot run without. */
  off?: string;
  /** The managed cluster property that governs it. */
  property: string;
}

interface Rule {
  namespaces?: readonly string[];
  prefixes?: readonly string[];
  setting: AksComponentSetting;
}

const AZURE_POLICY: AksComponentSetting = { component: 'the Azure Policy add-on', off: 'az aks disable-addons --addons azure-policy', property: 'addonProfiles.azurepolicy.enabled' };
const CALICO: AksComponentSetting = { component: 'the Calico network policy engine', property: 'networkProfile.networkPolicy calico' };

/** Namespace first (an add-on's own namespace), then the name prefixes AKS gives each component in kube-system or cluster-wide. */
const RULES: readonly Rule[] = [
  { namespaces: ['gatekeeper-system'], prefixes: ['azure-policy', 'gatekeeper-'], setting: AZURE_POLICY },
  { namespaces: ['app-routing-system'], setting: { component: 'the application routing add-on', off: 'az aks approuting disable', property: 'ingressProfile.webAppRouting.enabled' } },
  {
    namespaces: ['aks-istio-system', 'aks-istio-ingress', 'aks-istio-egress'],
    prefixes: ['istiod-asm', 'aks-istio-'],
    setting: { component: 'the Istio service mesh add-on', off: 'az aks mesh disable', property: 'serviceMeshProfile.mode' },
  },
  { namespaces: ['calico-system', 'tigera-operator'], prefixes: ['calico-', 'tigera-'], setting: CALICO },
  { prefixes: ['ama-logs', 'omsagent'], setting: { component: 'the monitoring add-on (Container insights)', off: 'az aks disable-addons --addons monitoring', property: 'addonProfiles.omsagent.enabled' } },
  { prefixes: ['ama-metrics'], setting: { component: 'Azure Monitor managed Prometheus', off: 'az aks update --disable-azure-monitor-metrics', property: 'azureMonitorProfile.metrics.enabled' } },
  { prefixes: ['microsoft-defender'], setting: { component: 'Microsoft Defender for Containers', off: 'az aks update --disable-defender', property: 'securityProfile.defender.securityMonitoring.enabled' } },
  {
    prefixes: ['aks-secrets-store', 'secrets-store-csi-driver'],
    setting: { component: 'the Key Vault secrets provider add-on', off: 'az aks disable-addons --addons azure-keyvault-secrets-provider', property: 'addonProfiles.azureKeyvaultSecretsProvider.enabled' },
  },
  { prefixes: ['keda-'], setting: { component: 'the KEDA add-on', off: 'az aks update --disable-keda', property: 'workloadAutoScalerProfile.keda.enabled' } },
  { prefixes: ['vpa-'], setting: { component: 'the vertical pod autoscaler', off: 'az aks update --disable-vpa', property: 'workloadAutoScalerProfile.verticalPodAutoscaler.enabled' } },
  { prefixes: ['eraser-'], setting: { component: 'Image Cleaner', off: 'az aks update --disable-image-cleaner', property: 'securityProfile.imageCleaner.enabled' } },
  { prefixes: ['azure-wi-webhook', 'workload-identity-webhook'], setting: { component: 'workload identity', off: 'az aks update --disable-workload-identity', property: 'securityProfile.workloadIdentity.enabled' } },
  { prefixes: ['csi-azuredisk'], setting: { component: 'the Azure Disk CSI driver', off: 'az aks update --disable-disk-driver', property: 'storageProfile.diskCSIDriver.enabled' } },
  { prefixes: ['csi-azurefile'], setting: { component: 'the Azure Files CSI driver', off: 'az aks update --disable-file-driver', property: 'storageProfile.fileCSIDriver.enabled' } },
  { prefixes: ['csi-blob'], setting: { component: 'the Azure Blob CSI driver', off: 'az aks update --disable-blob-driver', property: 'storageProfile.blobCSIDriver.enabled' } },
  { prefixes: ['snapshot-controller', 'csi-snapshot'], setting: { component: 'the snapshot controller', off: 'az aks update --disable-snapshot-controller', property: 'storageProfile.snapshotController.enabled' } },
  { prefixes: ['retina-'], setting: { component: 'Advanced Container Networking Services', off: 'az aks update --disable-acns', property: 'networkProfile.advancedNetworking.enabled' } },
  { prefixes: ['azure-npm'], setting: { component: 'the Azure network policy engine', property: 'networkProfile.networkPolicy azure' } },
  { prefixes: ['cilium'], setting: { component: 'Azure CNI powered by Cilium', property: 'networkProfile.networkDataplane cilium' } },
];

/** The label AKS puts on the objects of a cluster extension (Flux, Dapr, ...): its value is the extension's name. */
const EXTENSION_LABEL = 'clusterconfig.azure.com/extension-name';

function extensionSetting(r: Resource): AksComponentSetting | undefined {
  const name = stringMap((r.object.metadata as { labels?: unknown } | undefined)?.labels)[EXTENSION_LABEL];
  if (!name) return undefined;
  return { component: `the ${name} cluster extension`, off: `az k8s-extension delete --cluster-type managedClusters --name ${name}`, property: `the Microsoft.KubernetesConfiguration/extensions resource ${name}` };
}

/** The setting under which AKS runs this resource of its own, where one is known. */
export function aksComponentSetting(r: Resource): AksComponentSetting | undefined {
  const extension = extensionSetting(r);
  if (extension) return extension;
  for (const rule of RULES) {
    if (r.namespace && rule.namespaces?.includes(r.namespace)) return rule.setting;
    if (rule.prefixes?.some((p) => r.name.startsWith(p))) return rule.setting;
  }
  return undefined;
}

const SETTINGS_NAMED = 3;

function sameSetting(a: AksComponentSetting, b: AksComponentSetting): boolean {
  return a.component === b.component && a.property === b.property;
}

/**
 * What the cluster owner can do about a path every object of which AKS manages: nothing in the
 * objects (AKS re-applies them). Where one optional add-on runs them all, turning it off removes the
 * path; where several components share the path, turning one off leaves the others' way, so none is offered as the fix.
 */
export function ownerActionText(resources: readonly Resource[]): string {
  const settings: AksComponentSetting[] = [];
  let unknown = false;
  for (const r of resources) {
    const s = aksComponentSetting(r);
    if (!s) unknown = true;
    else if (!settings.some((x) => sameSetting(x, s))) settings.push(s);
  }
  const head = 'nothing to change in these objects: AKS re-applies them';
  const only = !unknown && settings.length === 1 ? settings[0] : undefined;
  if (only?.off) return `${head}; they run for ${only.component}: turn it off (${only.off}; ${only.property}) only if the cluster does without it`;
  if (only) return `${head}; ${only.component} runs them (${only.property}), which the cluster needs`;
  const optional = settings.filter((s) => s.off !== undefined);
  if (optional.length === 0) return `${head}, and no cluster setting removes them`;
  const named = optional.slice(0, SETTINGS_NAMED).map((s) => `${s.component} (${s.off})`);
  const more = optional.length > SETTINGS_NAMED ? ` (and ${optional.length - SETTINGS_NAMED} more)` : '';
  const which = named.length === 1 ? named[0]! : `one of ${named.slice(0, -1).join(', ')} or ${named[named.length - 1]!}${more}`;
  return `${head}; no one cluster setting removes them all: turning off ${which} removes only its own way in`;
}
