import rule from '../../../src/rules/aks/kubernetes-rbac-disabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with enableRBAC true',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "type": "Microsoft.ContainerService/ManagedClusters", "location": "westeurope",
        "properties": { "kubernetesVersion": "1.33.2", "enableRBAC": true, "dnsPrefix": "aks-prod" } }`)],
    },
    {
      name: 'az aks show with enableRbac true (CLI casing)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "enableRbac": true, "kubernetesVersion": "1.33.2" }`)],
    },
    {
      name: 'absent: the service turns RBAC on',
      docs: [rest(`{ "name": "aks-prod", "properties": { "kubernetesVersion": "1.33.2" } }`)],
    },
    {
      name: 'null in CLI output means not set: default on',
      docs: [cli(`{ "name": "aks-prod", "enableRbac": null }`)],
    },
    {
      name: 'a value ARM would reject is not judged',
      docs: [rest(`{ "name": "aks-prod", "properties": { "enableRBAC": "maybe" } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with enableRBAC false',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": false } }`)],
      findings: [
        {
          field: 'properties.enableRBAC',
          severity: 'critical',
          message: 'cluster aks-prod runs without Kubernetes RBAC (enableRBAC is false): every authenticated identity is cluster-admin',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query enableRbac',
          resource: 'Microsoft.ContainerService/managedClusters/aks-prod',
          evidence: { observed: false, expected: true },
          frameworks: ['checkov:CKV_AZURE_5', 'trivy:AVD-AZU-0042', 'azure-policy:ac4a19c2-fa67-49b4-8ae5-0b2e78c49457'],
        },
      ],
    },
    {
      name: 'az aks show with enableRbac false: the field keeps the CLI spelling',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "enableRbac": false }`)],
      findings: [{ field: 'enableRbac', message: /enableRBAC is false/ }],
    },
    {
      name: 'the string "false" (a template parameter rendered as text)',
      docs: [rest(`{ "name": "legacy", "properties": { "enableRBAC": "false" } }`)],
      findings: [{ field: 'properties.enableRBAC', message: /enableRBAC is "false"/ }],
    },
    {
      name: 'API version 2017-08-31 has no RBAC at all',
      docs: [rest(`{ "name": "old", "properties": { "kubernetesVersion": "1.9.6" } }`, '2017-08-31')],
      findings: [
        {
          field: 'properties.enableRBAC',
          message: 'cluster old runs without Kubernetes RBAC (enableRBAC not set, and API version 2017-08-31 has no RBAC): every authenticated identity is cluster-admin',
          evidence: { observed: { notSet: true, serviceDefault: false } },
        },
      ],
    },
    {
      name: 'unknown: an unresolved template parameter gives an info finding',
      docs: [rest(`{ "name": "aks-prod", "properties": { "enableRBAC": { "$palisadeUnknown": "parameter enableRBAC has no default value" } } }`)],
      findings: [{ field: 'properties.enableRBAC', severity: 'info', message: /cannot be decided.*parameter enableRBAC has no default value/ }],
    },
  ],
});
