import { asArray, asObj, asString, stringMap, type Obj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';

/** Hosts are DNS names: compared without case. */
const norm = (host: string): string => host.trim().toLowerCase();

/** Does a certificate for `tlsHost` (`shop.example.com`, `*.example.com`) cover requests for `host`? */
function covers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  // A wildcard covers exactly one label, as in certificates and Ingress host matching.
  if (tlsHost.startsWith('*.') && !host.startsWith('*.')) {
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot) === tlsHost.slice(1);
  }
  return false;
}

/**
 * TLS an Ingress gets without spec.tls: ingress-nginx passing the connection through to a backend that
 * terminates it (Argo CD's documented setup), or Application Gateway terminating it with a certificate
 * installed on the gateway (AGIC).
 */
function tlsOutsideSpec(annotations: Record<string, string>): boolean {
  return annotations['nginx.ingress.kubernetes.io/ssl-passthrough'] === 'true' || (annotations['appgw.ingress.kubernetes.io/appgw-ssl-certificate'] ?? '').trim() !== '';
}

export default defineRule({
  meta: {
    id: 'network/ingress-without-tls',
    title: 'Ingress serves a host without TLS',
    severity: 'medium',
    pillar: 'network',
    frameworks: [
      { framework: 'cis-aks', id: '5.4.5' },
      { framework: 'kubescape', id: 'C-0263' },
    ],
    description:
      'An Ingress terminates TLS only for the hosts its spec.tls entries list; requests for any other host of its ' +
      'rules, and for every host when spec.tls is missing, travel in clear text between the client and the ' +
      'ingress controller, where passwords, session cookies and tokens can be read or changed. A tls entry ' +
      'without hosts covers the requests without a host (the controller\'s default certificate); *.example.com ' +
      'covers one label below example.com. An Ingress whose TLS is handled elsewhere — ' +
      'nginx.ingress.kubernetes.io/ssl-passthrough: "true" (the backend terminates it), or an Application Gateway ' +
      'certificate named by appgw.ingress.kubernetes.io/appgw-ssl-certificate — is not reported.',
    remediation:
      'Add the host to a spec.tls entry whose secret holds a certificate for it (cert-manager, or the AKS application ' +
      'routing add-on with a Key Vault certificate), and redirect HTTP to HTTPS at the ingress controller.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
      'https://learn.microsoft.com/azure/aks/app-routing-dns-ssl',
    ],
  },
  target: { kinds: ['Ingress'] },
  check(ctx) {
    const ing = ctx.resource;
    if (tlsOutsideSpec(stringMap(asObj(ing.object.metadata)?.annotations))) return;
    const spec = asObj(ing.object.spec) ?? {};
    const name = `${ing.namespace ? `${ing.namespace}/` : ''}${ing.name}`;
    const rules = asArray(spec.rules).map(asObj);
    const hostOf = (rule: Obj | undefined): string | undefined => {
      const h = asString(rule?.host);
      return h === undefined || h.trim() === '' ? undefined : norm(h);
    };
    const tls = asArray(spec.tls).map(asObj).filter((t): t is Obj => t !== undefined);
    if (tls.length === 0) {
      const hosts = [...new Set(rules.map(hostOf).map((h) => h ?? 'any host'))];
      ctx.report({
        field: 'spec.tls',
        message: `Ingress ${name} has no spec.tls: ${hosts.length ? hosts.join(', ') : 'its default backend'} ${hosts.length > 1 ? 'are' : 'is'} served over plain HTTP only`,
        evidence: { observed: 'no spec.tls', expected: 'a spec.tls entry covering every host of the rules' },
      });
      return;
    }
    const tlsHosts = tls.flatMap((t) => asArray(t.hosts).flatMap((h) => (typeof h === 'string' && h.trim() ? [norm(h)] : [])));
    // An entry without hosts is the certificate for requests that name no host the Ingress lists.
    const coversNoHost = tls.some((t) => asArray(t.hosts).length === 0);
    rules.forEach((rule, i) => {
      if (!rule) return;
      const host = hostOf(rule);
      if (host === undefined ? coversNoHost : tlsHosts.some((t) => covers(t, host))) return;
      ctx.report({
        field: host === undefined ? `spec.rules[${i}]` : `spec.rules[${i}].host`,
        message:
          host === undefined
            ? `Ingress ${name} routes requests for any host (rule ${i} has no host) but no spec.tls entry covers them: they are served over plain HTTP (or with the controller's default certificate)`
            : `Ingress ${name} has no certificate for ${host}: no spec.tls entry lists it (TLS covers ${tlsHosts.join(', ') || 'no named host'}), so it is served over plain HTTP (or with the controller's default certificate)`,
        evidence: { observed: host ?? 'any host', expected: `a spec.tls entry listing ${host ?? 'no hosts (the default certificate)'}` },
      });
    });
  },
});
