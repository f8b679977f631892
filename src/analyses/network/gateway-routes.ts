import { selectorMatches, type Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, stringMap, type Resource } from '../../core/resource.js';

/**
 * Gateway API routes from the internet: which Services a public Gateway sends requests to, through
 * which route. It follows the attachment rules of the Gateway API specification
 * (gateway.networking.k8s.io): a route attaches to a Gateway's listener only where the listener's
 * `allowedRoutes` admits the route's namespace and kind, and whose hostname (if any) intersects the
 * route's hostnames (if any); and a route reaches a Service of another namespace only where a
 * ReferenceGrant in that namespace allows it.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The route kinds a Gateway attaches, by the listener protocols that accept them by default. */
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'] as const;
const KINDS_BY_PROTOCOL: Record<string, readonly string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};
const INTERNAL_LB = 'service.beta.kubernetes.io/azure-load-balancer-internal';

export interface GatewayRoute {
  route: Resource;
  /** The public Gateways the route is attached to. */
  gateways: Resource[];
  /** The Services of the input it sends requests to. */
  services: Resource[];
}

function isGatewayApi(r: Resource): boolean {
  return r.apiVersion.startsWith(`${GATEWAY_GROUP}/`);
}

/**
 * Whether a Gateway takes requests from the internet. The AKS Gateway implementations (the Istio
 * add-on, application routing) put a Gateway behind a Service of type LoadBalancer, public unless the
 * Gateway's infrastructure annotations make it internal; Application Gateway for Containers frontends
 * are public.
 */
export function isPublicGateway(gw: Resource): boolean {
  const annotations = stringMap(asObj(asObj(gw.object.spec)?.infrastructure)?.annotations);
  return annotations[INTERNAL_LB]?.toLowerCase() !== 'true';
}

/** Two hostnames, either of which may be a wildcard (`*.example.com`), have a host in common. */
function hostnamesIntersect(a: string, b: string): boolean {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la === lb || (la.startsWith('*.') && lb.endsWith(la.slice(1))) || (lb.startsWith('*.') && la.endsWith(lb.slice(1)));
}

/** A listener with a hostname accepts a route with hostnames only where some of them intersect it. */
function hostnamesAccepted(listener: Record<string, unknown>, route: Resource): boolean {
  const listenerHost = asString(listener.hostname);
  const routeHosts = asArray(asObj(route.object.spec)?.hostnames).map(asString).filter((h): h is string => h !== undefined);
  if (listenerHost === undefined || routeHosts.length === 0) return true;
  return routeHosts.some((h) => hostnamesIntersect(listenerHost, h));
}

/** Whether a listener admits a route of this kind from this namespace (`allowedRoutes`, default: the Gateway's namespace, the protocol's kinds). */
function listenerAdmits(inventory: Inventory, gw: Resource, listener: Record<string, unknown>, route: Resource): boolean {
  if (!hostnamesAccepted(listener, route)) return false;
  const allowed = asObj(listener.allowedRoutes);
  const kinds = asArray(allowed?.kinds).map(asObj).filter((k) => k !== undefined);
  const kindOk =
    kinds.length > 0
      ? kinds.some((k) => asString(k.kind) === route.kind && (asString(k.group) ?? GATEWAY_GROUP) === GATEWAY_GROUP)
      : (KINDS_BY_PROTOCOL[asString(listener.protocol) ?? ''] ?? []).includes(route.kind);
  if (!kindOk) return false;
  const namespaces = asObj(allowed?.namespaces);
  const routeNs = route.namespace ?? 'default';
  switch (asString(namespaces?.from) ?? 'Same') {
    case 'All':
      return true;
    case 'Selector': {
      const labels = inventory.namespaceLabels(routeNs) ?? { 'kubernetes.io/metadata.name': routeNs };
      return selectorMatches(namespaces?.selector, labels);
    }
    case 'Same':
      return routeNs === (gw.namespace ?? 'default');
    default:
      return false;
  }
}

/** The Gateways a route is attached to through its parentRefs (sectionName and port narrow the listeners). */
function attachedGateways(inventory: Inventory, route: Resource): Resource[] {
  const out: Resource[] = [];
  for (const p of asArray(asObj(route.object.spec)?.parentRefs)) {
    const ref = asObj(p);
    const name = asString(ref?.name);
    if (!ref || !name) continue;
    if ((asString(ref.group) ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (asString(ref.kind) ?? 'Gateway') !== 'Gateway') continue;
    const gw = inventory.get('Gateway', asString(ref.namespace) ?? route.namespace ?? 'default', name);
    if (!gw || !isGatewayApi(gw) || out.includes(gw)) continue;
    const section = asString(ref.sectionName);
    const port = typeof ref.port === 'number' ? ref.port : undefined;
    const listeners = asArray(asObj(gw.object.spec)?.listeners)
      .map(asObj)
      .filter((l): l is Record<string, unknown> => l !== undefined)
      .filter((l) => (section === undefined || asString(l.name) === section) && (port === undefined || l.port === port));
    if (listeners.some((l) => listenerAdmits(inventory, gw, l, route))) out.push(gw);
  }
  return out;
}

/** Whether a ReferenceGrant in the backend's namespace lets routes of this kind and namespace refer to the Service. */
function referenceGranted(inventory: Inventory, route: Resource, namespace: string, service: string): boolean {
  return inventory.byKind('ReferenceGrant').some((grant) => {
    if (!isGatewayApi(grant) || (grant.namespace ?? 'default') !== namespace) return false;
    const spec = asObj(grant.object.spec);
    const from = asArray(spec?.from).some((f) => {
      const o = asObj(f);
      return asString(o?.group) === GATEWAY_GROUP && asString(o?.kind) === route.kind && asString(o?.namespace) === (route.namespace ?? 'default');
    });
    const to = asArray(spec?.to).some((t) => {
      const o = asObj(t);
      const name = asString(o?.name);
      return (asString(o?.group) ?? '') === '' && asString(o?.kind) === 'Service' && (name === undefined || name === service);
    });
    return from && to;
  });
}

/** The Services of the input a route's rules send requests to (`backendRefs`; other kinds of backend are skipped). */
function backendServices(inventory: Inventory, route: Resource): Resource[] {
  const routeNs = route.namespace ?? 'default';
  const out = new Set<Resource>();
  for (const rule of asArray(asObj(route.object.spec)?.rules)) {
    for (const b of asArray(asObj(rule)?.backendRefs)) {
      const ref = asObj(b);
      const name = asString(ref?.name);
      if (!ref || !name) continue;
      if ((asString(ref.group) ?? '') !== '' || (asString(ref.kind) ?? 'Service') !== 'Service') continue;
      const ns = asString(ref.namespace) ?? routeNs;
      if (ns !== routeNs && !referenceGranted(inventory, route, ns, name)) continue;
      const svc = inventory.get('Service', ns, name);
      if (svc) out.add(svc);
    }
  }
  return [...out];
}

/** Every route attached to a public Gateway, with the Services it reaches. */
export function publicGatewayRoutes(inventory: Inventory): GatewayRoute[] {
  const out: GatewayRoute[] = [];
  for (const kind of ROUTE_KINDS) {
    for (const route of inventory.byKind(kind)) {
      if (!isGatewayApi(route)) continue;
      const gateways = attachedGateways(inventory, route).filter(isPublicGateway);
      if (gateways.length === 0) continue;
      const services = backendServices(inventory, route);
      if (services.length > 0) out.push({ route, gateways, services });
    }
  }
  return out;
}
