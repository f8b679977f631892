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
      name: 'network isolated cluster: no managed egress path at all',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "outboundType": "none" } } }`)],
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
    {
      name: 'az aks show with a user-assigned NAT gateway: translated, not filtered',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "networkPlugin": "azure", "outboundType": "userAssignedNATGateway", "loadBalancerSku": "standard" } }`)],
      findings: [
        {
          field: 'networkProfile.outboundType',
          severity: 'low',
          message:
            'cluster aks-prod sends egress straight out through the NAT gateway of its subnet (networkProfile.outboundType is "userAssignedNATGateway"): no firewall filters outbound traffic',
          evidence: { observed: 'userAssignedNATGateway', expected: 'userDefinedRouting (through a firewall)' },
        },
      ],
    },
    {
      name: 'REST body with an AKS-managed NAT gateway: userDefinedRouting needs a cluster in a virtual network of the user',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "outboundType": "managedNATGateway" } } }`)],
      findings: [
        {
          severity: 'low',
          message:
            'cluster aks-prod sends egress straight out through an AKS-managed NAT gateway (networkProfile.outboundType is "managedNATGateway"): no firewall filters outbound traffic; ' +
            'the cluster is in the virtual network AKS manages, so userDefinedRouting through a firewall needs it created again in a subnet of yours; ' +
            'meanwhile limit egress inside the cluster (Cilium FQDN network policies)',
        },
      ],
    },
    {
      name: 'AKS Automatic (az aks show): its managed NAT gateway is reported, with what applies to Automatic',
      docs: [cli(`{ "id": "${ID}", "name": "auto1", "sku": { "name": "Automatic", "tier": "Standard" }, "networkProfile": { "outboundType": "managedNATGateway" } }`)],
      findings: [{ message: /AKS-managed NAT gateway .*subnet of yours \(an AKS Automatic cluster created with a custom virtual network\)/ }],
    },
    {
      name: 'managedNATGatewayV2 and case variants',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "outboundType": "ManagedNatGatewayV2" } } }`)],
      findings: [{ message: /AKS-managed NAT gateway/ }],
    },
  ],
});
