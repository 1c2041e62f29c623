// networking.k8s.io/v1 Ingress, IngressClass, NetworkPolicy and discovery.k8s.io/v1 EndpointSlice.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { validateSliceAddresses } from '../endpoint-addresses';
import { ageColumn, column, formatSelector, listWithMore, nameColumn } from '../printing';
import {
  FIELD_IMMUTABLE,
  child,
  index,
  invalid,
  isDNS1123Subdomain,
  isValidPortNum,
  oneOf,
  required,
  validateLabelSelector,
} from '../validation/validation';
import { goRaw } from '../go-format';
import { PORT_PROTOCOLS } from '../validation/container-validation';
import type { LabelSelector } from '../../apimachinery/selectors';

interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } };
  resource?: unknown;
}

interface IngressRule {
  host?: string;
  http?: { paths?: { path?: string; pathType?: string; backend?: IngressBackend }[] };
}

/** The Ingress spec fields validation and printing read. */
interface IngressSpec {
  defaultBackend?: IngressBackend;
  rules?: IngressRule[];
}

interface SlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string;
}

function ingressHosts(ing: KubeObject): string {
  const rules: IngressRule[] = ing.spec?.rules ?? [];
  const hosts = rules
    .slice(0, 3)
    .map((r) => r.host)
    .filter(Boolean);
  if (hosts.length === 0) return '*';
  return rules.length > 3 ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

function ingressAddress(ing: KubeObject): string {
  const set = new Set<string>();
  for (const i of ing.status?.loadBalancer?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

function validateBackend(b: IngressBackend | undefined, path: string): FieldError[] {
  if (!b) return [];
  const errs: FieldError[] = [];
  if (b.service && b.resource) errs.push(invalid(path, '', 'cannot set both service and resource backends'));
  else if (!b.service && !b.resource) errs.push(invalid(path, '', 'must specify one of `service` or `resource`'));
  if (b.service) {
    const p = child(path, 'service');
    if (!b.service.name) errs.push(required(child(p, 'name')));
    const port = b.service.port ?? {};
    if (port.name && port.number !== undefined)
      errs.push(invalid(child(p, 'port'), goRaw('networking.ServiceBackendPort{...}'), 'cannot set both port name & port number'));
    else if (port.number !== undefined)
      for (const m of isValidPortNum(port.number)) errs.push(invalid(child(child(p, 'port'), 'number'), port.number, m));
    else if (!port.name)
      errs.push(invalid(child(p, 'port'), goRaw('networking.ServiceBackendPort{Name:"", Number:0}'), 'port name or number is required'));
  }
  return errs;
}

function validateIngress(ing: KubeObject): FieldError[] {
  const spec: IngressSpec = ing.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.defaultBackend && !spec.rules?.length) {
    errs.push(invalid('spec', goRaw('networking.IngressSpec{...}'), 'either `defaultBackend` or `rules` must be specified'));
  }
  errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  (spec.rules ?? []).forEach((rule, i) => {
    const rp = index('spec.rules', i);
    if (rule.host) {
      const host = String(rule.host).startsWith('*.') ? String(rule.host).slice(2) : String(rule.host);
      for (const m of isDNS1123Subdomain(host)) errs.push(invalid(child(rp, 'host'), rule.host, m));
    }
    if (!rule.http) return;
    const paths = rule.http.paths ?? [];
    if (paths.length === 0) errs.push(required(child(child(rp, 'http'), 'paths')));
    paths.forEach((p, j) => {
      const pp = index(child(child(rp, 'http'), 'paths'), j);
      if (!p.pathType) errs.push(required(child(pp, 'pathType'), 'pathType must be specified'));
      else errs.push(...oneOf(child(pp, 'pathType'), p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
      if ((p.pathType === 'Exact' || p.pathType === 'Prefix') && !String(p.path ?? '').startsWith('/')) {
        errs.push(invalid(child(pp, 'path'), p.path ?? '', 'must be an absolute path'));
      }
      if (!p.backend) errs.push(required(child(pp, 'backend')));
      else errs.push(...validateBackend(p.backend, child(pp, 'backend')));
    });
  });
  return errs;
}

export const ingressKind = defineKind({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  shortNames: ['ing'],
  namespaced: true,
  subresources: { status: true },
  model: 'V1Ingress',
  printerColumns: [
    nameColumn(),
    column(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
      (o) => o.spec?.ingressClassName ?? '<none>',
    ),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule', ingressHosts),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer', ingressAddress),
    column('Ports', 'string', 'Ports of TLS configurations that open', (o) => ((o.spec?.tls ?? []).length ? '80, 443' : '80')),
    ageColumn(),
  ],
  prepareForCreate: (ing) => {
    ing.status = { loadBalancer: {} };
  },
  validate: validateIngress,
});

export const ingressClassKind = defineKind({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  namespaced: false,
  model: 'V1IngressClass',
  printerColumns: [
    nameColumn(),
    column('Controller', 'string', 'Controller that is responsible for handling this class', (o) => o.spec?.controller ?? ''),
    column('Parameters', 'string', 'A reference to a resource with additional parameters', (o) => {
      const p = o.spec?.parameters;
      if (!p) return '<none>';
      return `${p.kind}${p.apiGroup ? '.' + p.apiGroup : ''}/${p.name}`;
    }),
    ageColumn(),
  ],
  validate: (ic, old) => {
    const errs: FieldError[] = [];
    const controller = ic.spec?.controller;
    if (!controller) errs.push(required('spec.controller'));
    else if (!/^[^/]+\/.+$/.test(controller))
      errs.push(invalid('spec.controller', controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    if (old && old.spec?.controller !== controller) errs.push(invalid('spec.controller', controller ?? '', FIELD_IMMUTABLE));
    return errs;
  },
});

export const networkPolicyKind = defineKind({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  shortNames: ['netpol'],
  namespaced: true,
  model: 'V1NetworkPolicy',
  printerColumns: [
    nameColumn(),
    column('Pod-Selector', 'string', 'Pods to which this policy applies.', (o) => formatSelector(o.spec?.podSelector)),
    ageColumn(),
  ],
  defaults: (np) => {
    const spec = (np.spec ??= {});
    spec.podSelector ??= {};
    if (!spec.policyTypes || spec.policyTypes.length === 0) {
      spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
    }
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule.ports ?? []) p.protocol ??= 'TCP';
  },
  validate: (np) => {
    const spec: { podSelector?: LabelSelector; policyTypes?: string[] } = np.spec ?? {};
    const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
    (spec.policyTypes ?? []).forEach((t, i) => errs.push(...oneOf(index('spec.policyTypes', i), t, ['Egress', 'Ingress'])));
    return errs;
  },
});

function slicePorts(es: KubeObject): string {
  const ports: SlicePort[] = es.ports ?? [];
  return listWithMore(
    ports.map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name !== undefined && p.name !== null ? p.name : '*')),
    3,
    ports.length,
  );
}

function sliceEndpoints(es: KubeObject): string {
  const addrs: string[] = (es.endpoints ?? []).flatMap((e: { addresses?: string[] }) => e.addresses ?? []);
  return listWithMore(addrs, 3, addrs.length);
}

export const endpointSliceKind = defineKind({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  model: 'V1EndpointSlice',
  printerColumns: [
    nameColumn(),
    column('AddressType', 'string', 'Type of address carried by this slice.', (o) => o.addressType ?? ''),
    column('Ports', 'string', 'Ports exposed by the endpoints.', slicePorts),
    column('Endpoints', 'string', 'Addresses of the endpoints.', sliceEndpoints),
    ageColumn(),
  ],
  defaults: (es) => {
    for (const p of es.ports ?? []) {
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
  validate: (es, old) => {
    const errs: FieldError[] = [];
    if (!es.addressType) errs.push(required('addressType'));
    else errs.push(...oneOf('addressType', es.addressType, ['FQDN', 'IPv4', 'IPv6']));
    if (old && old.addressType !== es.addressType) errs.push(invalid('addressType', es.addressType ?? '', FIELD_IMMUTABLE));
    (es.endpoints ?? []).forEach((e: { addresses?: string[] }, i: number) => {
      if (!e.addresses || e.addresses.length === 0) errs.push(required(child(index('endpoints', i), 'addresses')));
    });
    errs.push(...validateSliceAddresses(es));
    (es.ports ?? []).forEach((p: SlicePort, i: number) => {
      errs.push(...oneOf(child(index('ports', i), 'protocol'), p.protocol, PORT_PROTOCOLS));
      if (p.port !== undefined && p.port !== null)
        for (const m of isValidPortNum(p.port)) errs.push(invalid(child(index('ports', i), 'port'), p.port, m));
    });
    return errs;
  },
});
