import { describe, expect, it } from 'vitest';
import { pathsOf, route } from './estate.js';

/** An Ingress of shop routing to Service api, in front of a privileged Deployment api listening on 8080. */
const backend = (ingressSpec = 'ingressClassName: nginx, ') => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: api, namespace: shop }
spec: { ${ingressSpec}rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] } }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ port: 80, targetPort: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: app, image: registry.example.com/api:1, ports: [{ containerPort: 8080 }, { containerPort: 9090 }], securityContext: { privileged: true } }]
`;

/** The backend admits only `from` (on `ports`). */
const admitting = (from: string, ports = '') => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
  ingress: [{ from: [${from}]${ports} }]
`;
const PROMETHEUS = '{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app: prometheus } } }';
const CONTROLLER_NS = '{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress-nginx } } }';

/** ingress-nginx as its chart installs it: IngressClass nginx, the controller Deployment and its Service. */
const ingressNginx = (serviceAnnotations = '{}', classAnnotations = '{}') => `
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx, annotations: ${classAnnotations} }
spec: { controller: k8s.io/ingress-nginx }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ingress-nginx-controller, namespace: ingress-nginx }
spec:
  selector: { matchLabels: { app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller } }
  template:
    metadata: { labels: { app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller } }
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.12.1
          args: [/nginx-ingress-controller, --publish-service=$(POD_NAMESPACE)/ingress-nginx-controller, --election-id=ingress-nginx-leader, --controller-class=k8s.io/ingress-nginx, --ingress-class=nginx]
---
apiVersion: v1
kind: Service
metadata: { name: ingress-nginx-controller, namespace: ingress-nginx, annotations: ${serviceAnnotations} }
spec: { type: LoadBalancer, selector: { app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller }, ports: [{ port: 443, targetPort: 443 }] }
`;

const INTERNAL = '{ service.beta.kubernetes.io/azure-load-balancer-internal: "true" }';
const VIA_INGRESS = 'internet: internet → ingress:shop/api → workload:shop/api[Deployment] → node';
const fromInternet = (text: string) => pathsOf(text).paths.filter((p) => p.entryPoint === 'internet').map(route);

describe('the ingress controller of an Ingress, when the input holds it', () => {
  it('behind internal load balancers only, it is no way in from the internet', () => {
    expect(fromInternet(backend() + ingressNginx())).toEqual([VIA_INGRESS]);
    expect(fromInternet(backend() + ingressNginx(INTERNAL))).toEqual([]);
  });

  it("application routing's NginxIngressController with an internal load balancer is no way in either", () => {
    const nic = (annotations: string) => `
---
apiVersion: approuting.kubernetes.azure.com/v1alpha1
kind: NginxIngressController
metadata: { name: nginx-internal }
spec: { ingressClassName: nginx-internal, controllerNamePrefix: nginx-internal, loadBalancerAnnotations: ${annotations} }
`;
    const estate = (annotations: string) => backend('ingressClassName: nginx-internal, ') + nic(annotations);
    expect(fromInternet(estate('{}'))).toEqual([VIA_INGRESS]);
    expect(fromInternet(estate(INTERNAL))).toEqual([]);
  });

  it("asks the model whether the controller's pods reach the backend's port, rather than any namespace peer", () => {
    // Without the controller in the input, a rule admitting another namespace may be the controller's, on the ports it names.
    expect(fromInternet(backend() + admitting(PROMETHEUS))).toEqual([VIA_INGRESS]);
    expect(fromInternet(backend() + admitting(PROMETHEUS, ', ports: [{ port: 9090 }]'))).toEqual([]);
    expect(fromInternet(backend() + admitting(PROMETHEUS, ', ports: [{ port: 9090 }]') + ingressNginx())).toEqual([]);
    expect(fromInternet(backend() + admitting(CONTROLLER_NS) + ingressNginx())).toEqual([VIA_INGRESS]);
    // The controller's namespace, but not the port the Service forwards to.
    expect(fromInternet(backend() + admitting(CONTROLLER_NS, ', ports: [{ port: 9090 }]') + ingressNginx())).toEqual([]);
  });

  it("finds application routing's nginx in app-routing-system by its controller name prefix", () => {
    const appRouting = `
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: webapprouting.kubernetes.azure.com }
spec: { controller: webapprouting.kubernetes.azure.com/nginx }
---
apiVersion: approuting.kubernetes.azure.com/v1alpha1
kind: NginxIngressController
metadata: { name: default }
spec: { ingressClassName: webapprouting.kubernetes.azure.com, controllerNamePrefix: nginx }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: nginx, namespace: app-routing-system }
spec:
  selector: { matchLabels: { app: nginx } }
  template:
    metadata: { labels: { app: nginx } }
    spec: { containers: [{ name: controller, image: mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5 }] }
`;
    const estate = (from: string, ports = '') => backend('ingressClassName: webapprouting.kubernetes.azure.com, ') + admitting(from, ports) + appRouting;
    expect(fromInternet(estate('{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: app-routing-system } } }'))).toEqual([VIA_INGRESS]);
    expect(fromInternet(estate(PROMETHEUS, ', ports: [{ port: 9090 }]'))).toEqual([]);
  });

  it('finds the controller through the class annotation and the default IngressClass too', () => {
    const policy = admitting(PROMETHEUS);
    expect(fromInternet(backend("") + policy + ingressNginx())).toEqual([VIA_INGRESS]);
    expect(fromInternet(backend("") + policy + ingressNginx('{}', '{ ingressclass.kubernetes.io/is-default-class: "true" }'))).toEqual([]);
    const annotated = backend('').replace('namespace: shop }\nspec: { rules', 'namespace: shop, annotations: { kubernetes.io/ingress.class: nginx } }\nspec: { rules');
    expect(annotated).toContain('kubernetes.io/ingress.class');
    expect(fromInternet(annotated + policy + ingressNginx())).toEqual([]);
  });

  it('tells two ingress-nginx releases apart by their --ingress-class when the IngressClasses are not in the input (a live read)', () => {
    const second = ingressNginx(INTERNAL)
      .replace(/ingress-nginx-controller/g, 'internal-controller')
      .replace(/component: controller/g, 'component: internal')
      .replace('--controller-class=k8s.io/ingress-nginx, --ingress-class=nginx', '--controller-class=k8s.io/ingress-nginx-internal, --ingress-class=nginx-internal')
      .replace(/---\napiVersion: networking.k8s.io\/v1\nkind: IngressClass\n.*\n.*\n/, '');
    const withoutClass = ingressNginx().replace(/---\napiVersion: networking.k8s.io\/v1\nkind: IngressClass\n.*\n.*\n/, '');
    expect(withoutClass).not.toContain('IngressClass');
    expect(second).toContain('--ingress-class=nginx-internal');
    expect(fromInternet(backend('ingressClassName: nginx-internal, ') + withoutClass + second)).toEqual([]);
    expect(fromInternet(backend() + withoutClass + second)).toEqual([VIA_INGRESS]);
  });

  it("finds application routing's other NginxIngressControllers by their controller value and their Deployment <prefix>-<n>", () => {
    const estate = (annotations: string) => `${backend('ingressClassName: nginx.approuting.kubernetes.azure.internal, ')}${admitting(PROMETHEUS, ', ports: [{ port: 9090 }]')}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx.approuting.kubernetes.azure.internal }
spec: { controller: approuting.kubernetes.azure.com/nginx-internal }
---
apiVersion: approuting.kubernetes.azure.com/v1alpha1
kind: NginxIngressController
metadata: { name: nginx-internal }
spec: { ingressClassName: nginx.approuting.kubernetes.azure.internal, controllerNamePrefix: nginx-internal, loadBalancerAnnotations: ${annotations} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: nginx-internal-0, namespace: app-routing-system }
spec:
  selector: { matchLabels: { app: nginx-internal-0 } }
  template:
    metadata: { labels: { app: nginx-internal-0 } }
    spec: { containers: [{ name: controller, image: mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5 }] }
`;
    expect(fromInternet(estate(INTERNAL))).toEqual([]);
    // Public, its pods found by name: the backend admits only Prometheus, so the controller cannot reach it.
    expect(fromInternet(estate('{}'))).toEqual([]);
    const toController = admitting('{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: app-routing-system } } }');
    expect(fromInternet(estate('{}').replace(admitting(PROMETHEUS, ', ports: [{ port: 9090 }]'), toController))).toEqual([VIA_INGRESS]);
  });
});
