import { AGENT_POOL_TYPE } from '../../../src/analyses/aks/index.js';
import rule from '../../../src/rules/aks/node-public-ip.js';
import { azapi, cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body: pools without public IPs (false, and absent)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "agentPoolProfiles": [
        { "name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4ds_v5", "enableNodePublicIP": false },
        { "name": "apps", "mode": "User", "count": 3, "vmSize": "Standard_D8ds_v5" } ] } }`)],
    },
    {
      name: 'az aks show: enableNodePublicIp false (CLI casing)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "agentPoolProfiles": [
        { "name": "system", "mode": "System", "enableNodePublicIp": false, "nodePublicIpPrefixId": null } ] }`)],
    },
    {
      name: 'a cluster without pools',
      docs: [rest(`{ "name": "aks-prod", "properties": { "kubernetesVersion": "1.33.2" } }`)],
    },
    {
      name: 'AzAPI: a cluster body whose pools have no public IPs',
      docs: [
        azapi('this', `{ "type": "Microsoft.ContainerService/managedClusters@2025-10-01", "name": "aks-prod",
          "body": { "properties": { "agentPoolProfiles": [{ "name": "system", "mode": "System", "enableNodePublicIP": false }] } } }`),
      ],
    },
    {
      name: 'a separate agentPools resource without public IPs',
      docs: [
        rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "agentPoolProfiles": [{ "name": "system", "mode": "System" }] } }`),
        rest(`{ "id": "${ID}/agentPools/apps", "name": "apps", "properties": { "mode": "User", "enableNodePublicIP": false } }`, '2026-08-01', AGENT_POOL_TYPE),
      ],
    },
  ],
  invalid: [
    {
      name: 'REST body: every pool is checked, one finding per pool',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "agentPoolProfiles": [
        { "name": "system", "mode": "System", "enableNodePublicIP": false },
        { "name": "gpu", "mode": "User", "enableNodePublicIP": true },
        { "name": "edge", "mode": "User", "enableNodePublicIP": true, "nodePublicIPPrefixID": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/publicIPPrefixes/edge" } ] } }`)],
      findings: [
        {
          field: 'properties.agentPoolProfiles[1].enableNodePublicIP',
          severity: 'medium',
          message: 'node pool gpu of cluster aks-prod gives every node a public IP address (enableNodePublicIP is true)',
          verify: `az aks show --resource-group rg-prod --name aks-prod --query "agentPoolProfiles[?name=='gpu'].enableNodePublicIp"`,
          evidence: { observed: true, expected: false, nodePool: 'gpu' },
          frameworks: ['cis-aks:5.4.3', 'checkov:CKV_AZURE_143'],
        },
        { field: 'properties.agentPoolProfiles[2].enableNodePublicIP', message: /node pool edge of cluster aks-prod/ },
      ],
    },
    {
      name: 'az aks show: enableNodePublicIp true',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "agentPoolProfiles": [
        { "name": "system", "mode": "System", "enableNodePublicIp": true } ] }`)],
      findings: [{ field: 'agentPoolProfiles[0].enableNodePublicIp' }],
    },
    {
      name: 'a separate agentPools resource: the finding lands on the pool resource',
      docs: [
        rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "agentPoolProfiles": [{ "name": "system", "mode": "System" }] } }`),
        rest(`{ "id": "${ID}/agentPools/apps", "name": "apps", "properties": { "mode": "User", "enableNodePublicIP": true } }`, '2026-08-01', AGENT_POOL_TYPE),
      ],
      findings: [
        {
          field: 'properties.enableNodePublicIP',
          resource: `${AGENT_POOL_TYPE}/apps`,
          message: 'node pool apps of cluster aks-prod gives every node a public IP address (enableNodePublicIP is true)',
        },
      ],
    },
    {
      name: 'AzAPI: a pool naming its cluster in parent_id; the finding names the body field on the pool',
      docs: [
        azapi('this', `{ "type": "Microsoft.ContainerService/managedClusters@2025-10-01", "name": "aks-prod", "parent_id": "/subscriptions/s/resourceGroups/rg-prod",
          "body": { "properties": { "agentPoolProfiles": [{ "name": "system", "mode": "System" }] } } }`),
        azapi('apps', `{ "type": "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01", "name": "apps",
          "parent_id": { "$palisadeUnknown": "azapi_resource.apps.parent_id is known only after apply (from azapi_resource.this.id)" },
          "body": { "properties": { "mode": "User", "enableNodePublicIP": true } } }`, AGENT_POOL_TYPE),
      ],
      findings: [
        {
          field: 'body.properties.enableNodePublicIP',
          resource: `${AGENT_POOL_TYPE}/apps`,
          message: 'node pool apps of cluster aks-prod gives every node a public IP address (enableNodePublicIP is true)',
          verify: `az aks show --resource-group rg-prod --name aks-prod --query "agentPoolProfiles[?name=='apps'].enableNodePublicIp"`,
        },
      ],
    },
    {
      name: 'AzAPI: a pool whose cluster is not in the scan is named from its parent_id',
      docs: [
        azapi('apps', `{ "type": "Microsoft.ContainerService/managedClusters/agentPools@2025-10-01", "name": "apps",
          "parent_id": "/subscriptions/s/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod",
          "body": { "properties": { "enableNodePublicIP": true } } }`, AGENT_POOL_TYPE),
      ],
      findings: [
        {
          field: 'body.properties.enableNodePublicIP',
          message: 'node pool apps of cluster aks-prod gives every node a public IP address (enableNodePublicIP is true)',
          verify: 'az aks nodepool show --resource-group rg-prod --cluster-name aks-prod --name apps --query enableNodePublicIp',
        },
      ],
    },
    {
      name: 'an agentPools resource scanned without its cluster',
      docs: [rest(`{ "name": "aks-prod/apps", "properties": { "mode": "User", "enableNodePublicIP": true } }`, '2026-08-01', AGENT_POOL_TYPE)],
      findings: [
        {
          field: 'properties.enableNodePublicIP',
          verify: 'az aks nodepool show --resource-group <resource-group> --cluster-name aks-prod --name apps --query enableNodePublicIp',
        },
      ],
    },
    {
      name: 'unknown: an unresolved parameter gives an info per pool',
      docs: [rest(`{ "name": "aks-prod", "properties": { "agentPoolProfiles": [
        { "name": "system", "enableNodePublicIP": { "$palisadeUnknown": "parameter publicIp has no default value" } } ] } }`)],
      findings: [{ field: 'properties.agentPoolProfiles[0].enableNodePublicIP', severity: 'info', message: /node pool system of cluster aks-prod.*parameter publicIp has no default value/ }],
    },
  ],
});
