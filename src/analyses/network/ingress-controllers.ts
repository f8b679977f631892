import { Memo } from '../../core/memo.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, stringMap, type Resource } from '../../core/resource.js';
import { podOf } from '../../core/workload.js';
import { INTERNAL_ANNOTATION, publicLoadBalancer } from './load-balancers.js';
import { reachabilityModelOf } from './reachability-model.js';
import { selectedBy, type Workload } from './workloads.js';

/**
 * The ingress controller that serves an Ingress, as far as the input shows it: which class the Ingress
 * names, the controller that class belongs to, the workloads that run it and whether the internet can
 * reach it. It follows how the controllers AKS users run pick their Ingresses: `spec.ingressClassName`,
 * else the older `kubernetes.io/ingress.class` annotation, else the IngressClass annotated
 * `ingressclass.kubernetes.io/is-default-class: "true"`; the IngressClass's `spec.controller` names the
 * controller, whose pods ingress-nginx marks with `--controller-class` and `--ingress-class`, and which
 * application routing runs in app-routing-system for each NginxIngressController.
 */

const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** ingress-nginx's own controller value and default class (its `--controller-class` and `--ingress-class` defaults). */
const INGRESS_NGINX = 'k8s.io/ingress-nginx';
/**
 * Application routing's controller values (aks-app-routing-operator): the default NginxIngressController's
 * `webapprouting.kubernetes.azure.com/nginx`, every other one's `approuting.kubernetes.azure.com/<name>`.
 */
function isAppRouting(controller: string | undefined): boolean {
  return controller === 'webapprouting.kubernetes.azure.com/nginx' || controller?.startsWith('approuting.kubernetes.azure.com/') === true;
}
/** ingress-nginx's default `--ingress-class`. */
const INGRESS_NGINX_CLASS = 'nginx';
/** Application routing (the AKS add-on): its namespace and custom resource. */
const APP_ROUTING_NAMESPACE = 'app-routing-system';
const NGINX_INGRESS_CONTROLLER = 'NginxIngressController';

export interface IngressController {
  /** The class the Ingress names or falls back to; undefined when there is none. */
  className: string | undefined;
  /** The IngressClass's `spec.controller`, when the input holds the IngressClass. */
  controller: string | undefined;
  /** The workloads of the input that run the controller; empty when the input holds none. */
  workloads: Workload[];
  /**
   * The controller takes connections only on internal load balancers: every Service in front of its
   * pods (or the NginxIngressController's load balancer) is internal. False when any is public, or
   * when the input shows none, as then nothing says it is closed to the internet.
   */
  internalOnly: boolean;
}

/** The IngressClass of an Ingress: the one it names, else the default class of the input. */
function ingressClassName(inventory: Inventory, ingress: Resource): string | undefined {
  const named = asString(asObj(ingress.object.spec)?.ingressClassName) ?? stringMap(asObj(ingress.object.metadata)?.annotations)[CLASS_ANNOTATION];
  if (named) return named;
  const byDefault = inventory.byKind('IngressClass').find((c) => stringMap(asObj(c.object.metadata)?.annotations)[DEFAULT_CLASS_ANNOTATION] === 'true');
  return byDefault?.name;
}

/** The flags of a pod's containers, `--name=value` and `--name value` alike. */
function containerFlags(r: Resource): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  const spec = podOf(r)?.spec;
  for (const c of asArray(spec?.containers)) {
    const args = [...asArray(asObj(c)?.command), ...asArray(asObj(c)?.args)].map((a) => (typeof a === 'string' ? a : ''));
    args.forEach((arg, i) => {
      const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(arg);
      if (!m) return;
      const value = m[2] ?? (args[i + 1]?.startsWith('-') ? '' : (args[i + 1] ?? ''));
      flags.set(m[1]!, [...(flags.get(m[1]!) ?? []), value]);
    });
  }
  return flags;
}

/** Whether the workload runs an nginx controller for this class or controller value. */
function runsController(w: Workload, className: string | undefined, controller: string | undefined): boolean {
  return w.resources.some((r) => {
    const flags = containerFlags(r);
    const classes = flags.get('ingress-class');
    const controllers = flags.get('controller-class');
    if (!classes && !controllers && !flags.has('publish-service') && !flags.has('election-id')) return false;
    const classOk = className !== undefined && (classes ?? [INGRESS_NGINX_CLASS]).includes(className);
    const controllerOk = controller !== undefined && (controllers ?? [INGRESS_NGINX]).includes(controller);
    return classOk || controllerOk;
  });
}

/** The NginxIngressController of application routing that serves a class, if the input has it. */
function appRoutingController(inventory: Inventory, className: string | undefined): Resource | undefined {
  // ingressClassName defaults to the NginxIngressController's own name.
  return inventory.byKind(NGINX_INGRESS_CONTROLLER).find((r) => (asString(asObj(r.object.spec)?.ingressClassName) ?? r.name) === className);
}

/**
 * The workloads of application routing's nginx for one class: those whose flags name it, else the one
 * named after the NginxIngressController's `controllerNamePrefix` (`nginx` by default). Only an exact
 * name: `nginx` is also the start of other controllers' names.
 */
function appRoutingWorkloads(workloads: readonly Workload[], className: string | undefined, nic: Resource | undefined): Workload[] {
  const inNamespace = workloads.filter((w) => w.namespace === APP_ROUTING_NAMESPACE);
  const byFlags = inNamespace.filter((w) => runsController(w, className, undefined));
  if (byFlags.length > 0) return byFlags;
  // The operator names the Deployment `<controllerNamePrefix>-<collision count>`, the default one plain `nginx`.
  const prefix = asString(asObj(nic?.object.spec)?.controllerNamePrefix) ?? 'nginx';
  return inNamespace.filter((w) => w.name === prefix || (w.name.startsWith(`${prefix}-`) && /^\d+$/.test(w.name.slice(prefix.length + 1))));
}

/** Services of type LoadBalancer or NodePort whose selector picks the controller's pods. */
function frontServices(inventory: Inventory, workloads: readonly Workload[]): Resource[] {
  return inventory.byKind('Service').filter((svc) => {
    const spec = asObj(svc.object.spec) ?? {};
    if (spec.type !== 'LoadBalancer' && spec.type !== 'NodePort') return false;
    return (selectedBy(svc, workloads)?.length ?? 0) > 0;
  });
}

/** Whether the Services (or the NginxIngressController's load balancer settings) open the controller only inside the network. */
function servedInternallyOnly(services: readonly Resource[], nic: Resource | undefined): boolean {
  if (nic) return stringMap(asObj(nic.object.spec)?.loadBalancerAnnotations)[INTERNAL_ANNOTATION] === 'true';
  return services.length > 0 && services.every((svc) => asObj(svc.object.spec)?.type === 'LoadBalancer' && publicLoadBalancer(svc) === undefined && asString(asObj(svc.object.spec)?.loadBalancerClass) === undefined);
}

// The controller depends on the class alone: worked out once per class, not for each of thousands of Ingresses.
const BY_CLASS = new Memo<Inventory, Map<string | undefined, IngressController>>();

/** The controller of an Ingress as the input shows it (see the module comment). */
export function ingressControllerOf(inventory: Inventory, ingress: Resource): IngressController {
  const className = ingressClassName(inventory, ingress);
  const known = BY_CLASS.of(inventory, () => new Map());
  let controller = known.get(className);
  if (!controller) known.set(className, (controller = controllerOfClass(inventory, className)));
  return controller;
}

function controllerOfClass(inventory: Inventory, className: string | undefined): IngressController {
  const ingressClass = className !== undefined ? inventory.get('IngressClass', null, className) : undefined;
  // Without the IngressClass (a read that does not list them, a partial export) the class name alone
  // picks the controller: ingress-nginx takes an Ingress only for its own --ingress-class.
  const controller = asString(asObj(ingressClass?.object.spec)?.controller);
  const all = reachabilityModelOf(inventory).workloads;
  const nic = isAppRouting(controller) || ingressClass === undefined ? appRoutingController(inventory, className) : undefined;
  const workloads = nic || isAppRouting(controller) ? appRoutingWorkloads(all, className, nic) : all.filter((w) => runsController(w, className, controller));
  return { className, controller, workloads, internalOnly: servedInternallyOnly(frontServices(inventory, workloads), nic) };
}
