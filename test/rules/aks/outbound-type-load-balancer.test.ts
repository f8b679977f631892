import rule from '../../../src/rules/aks/outbound-type-load-balancer.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body routing egress through a firewall',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "outboundType": "userDefinedRouting" } } }`)],
    },
    {
      name: 'az aks show with a user-assigned NAT gateway',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "networkPlugin": "azure", "outboundType": "userAssignedNATGateway", "loadBalancerSku": "standard" } }`)],
    },
    {
      name: 'unknown: a low-severity rule reports nothing',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "outboundType": { "$palisadeUnknown": "parameter outboundType has no default value" } } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with outboundType loadBalancer',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "outboundType": "loadBalancer", "loadBalancerSku": "standard" } } }`)],
      findings: [
        {
          field: 'properties.networkProfile.outboundType',
          severity: 'low',
          message: 'cluster aks-prod sends egress straight out through its load balancer (networkProfile.outboundType is "loadBalancer"): no firewall filters outbound traffic',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query networkProfile.outboundType',
          evidence: { observed: 'loadBalancer', expected: 'userDefinedRouting (through a firewall)' },
        },
      ],
    },
    {
      name: 'az aks show with outboundType loadBalancer',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "outboundType": "loadBalancer" } }`)],
      findings: [{ field: 'networkProfile.outboundType' }],
    },
    {
      name: 'absent: the default is loadBalancer',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "kubenet" } } }`)],
      findings: [{ field: 'properties.networkProfile.outboundType', message: /not set, default loadBalancer/ }],
    },
  ],
});
