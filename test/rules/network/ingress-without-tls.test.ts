import rule from '../../../src/rules/network/ingress-without-tls.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const ingress = (spec: string, annotations = '{}') => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop, annotations: ${annotations} }
spec:
  ingressClassName: webapprouting.kubernetes.azure.com
${spec}
`;

const rule1 = (host?: string) => `    - ${host === undefined ? '' : `host: ${host}\n      `}http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]`;

ruleTester(rule, {
  valid: [
    // Argo CD's documented ingress-nginx setup: the server terminates TLS itself.
    { name: 'TLS passed through to the backend', input: ingress(`  rules:\n${rule1('argocd.example.com')}`, '{ nginx.ingress.kubernetes.io/ssl-passthrough: "true" }') },
    { name: 'TLS terminated by Application Gateway with its own certificate', input: ingress(`  rules:\n${rule1('shop.example.com')}`, '{ appgw.ingress.kubernetes.io/appgw-ssl-certificate: shop-cert }') },
    { name: 'every host listed', input: ingress(`  tls: [{ hosts: [shop.example.com, api.example.com], secretName: web-tls }]\n  rules:\n${rule1('shop.example.com')}\n${rule1('api.example.com')}`) },
    { name: 'hosts in two tls entries, compared without case', input: ingress(`  tls: [{ hosts: [Shop.Example.com] }, { hosts: [api.example.com] }]\n  rules:\n${rule1('shop.example.COM')}\n${rule1('api.example.com')}`) },
    { name: 'a wildcard certificate covers one label', input: ingress(`  tls: [{ hosts: ["*.example.com"], secretName: wild }]\n  rules:\n${rule1('shop.example.com')}`) },
    { name: 'a wildcard rule host under the same wildcard', input: ingress(`  tls: [{ hosts: ["*.example.com"] }]\n  rules:\n${rule1('"*.example.com"')}`) },
    { name: 'a tls entry without hosts covers the rule without a host', input: ingress(`  tls: [{ secretName: default-cert }]\n  rules:\n${rule1()}`) },
  ],
  invalid: [
    {
      name: 'passthrough switched off is plain HTTP',
      input: ingress(`  rules:\n${rule1('shop.example.com')}`, '{ nginx.ingress.kubernetes.io/ssl-passthrough: "false" }'),
      findings: [{ field: 'spec.tls' }],
    },
    {
      name: 'no tls at all',
      input: ingress(`  rules:\n${rule1('shop.example.com')}\n${rule1('api.example.com')}`),
      findings: [{ field: 'spec.tls', severity: 'medium', message: 'Ingress shop/web has no spec.tls: shop.example.com, api.example.com are served over plain HTTP only' }],
    },
    {
      name: 'an empty tls list',
      input: ingress(`  tls: []\n  rules:\n${rule1('shop.example.com')}`),
      findings: [{ field: 'spec.tls', message: /shop\.example\.com is served over plain HTTP only/ }],
    },
    {
      name: 'only a default backend',
      input: ingress('  defaultBackend: { service: { name: web, port: { number: 80 } } }'),
      findings: [{ field: 'spec.tls', message: /its default backend is served/ }],
    },
    {
      name: 'a host added to the rules but not to the certificate',
      input: ingress(`  tls: [{ hosts: [shop.example.com], secretName: web-tls }]\n  rules:\n${rule1('shop.example.com')}\n${rule1('www.shop.example.com')}`),
      findings: [
        {
          field: 'spec.rules[1].host',
          message:
            "Ingress shop/web has no certificate for www.shop.example.com: no spec.tls entry lists it (TLS covers shop.example.com), so it is served over plain HTTP (or with the controller's default certificate)",
        },
      ],
    },
    {
      name: 'a wildcard does not cover two labels, nor the bare domain',
      input: ingress(`  tls: [{ hosts: ["*.example.com"] }]\n  rules:\n${rule1('a.b.example.com')}\n${rule1('example.com')}`),
      findings: [{ field: 'spec.rules[0].host' }, { field: 'spec.rules[1].host' }],
    },
    {
      name: 'a rule without a host and tls for named hosts only',
      input: ingress(`  tls: [{ hosts: [shop.example.com] }]\n  rules:\n${rule1()}`),
      findings: [{ field: 'spec.rules[0]', message: /routes requests for any host \(rule 0 has no host\)/ }],
    },
  ],
});
