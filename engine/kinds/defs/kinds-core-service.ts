// core/v1 Service: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) as kubectl shows them, the
// defaults users see (ClusterIP, TCP, targetPort = port, SingleStack IPv4), validation,
// and the update rules that keep allocated IPs and node ports stable.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, formatLabels, nameColumn } from '../printing';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  isDNS1123Label,
  isValidPortName,
  isValidPortNum,
  oneOf,
  required,
  validateLabels,
} from '../validation/validation';
import { goStringSlice, goRaw } from '../go-format';
import { PORT_PROTOCOLS } from '../validation/container-validation';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

/** The Service spec fields validation reads. */
interface ServiceSpec {
  type?: string;
  sessionAffinity?: string;
  externalName?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  selector?: Record<string, string>;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
}
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const LB_WIDTH = 16;

function loadBalancerIPs(svc: KubeObject): string[] {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  return [...set].sort();
}

/** EXTERNAL-IP as upstream computes it (the server prints the wide form; it is not clipped here). */
export function serviceExternalIP(svc: KubeObject, wide = true): string {
  const spec = svc.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      let lb = loadBalancerIPs(svc).join(',');
      if (!wide && lb.length > LB_WIDTH) lb = lb.slice(0, LB_WIDTH - 3) + '...';
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function servicePorts(svc: KubeObject): string {
  const ports: ServicePort[] = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => ((p.nodePort ?? 0) > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
}

function defaults(svc: KubeObject): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type === 'ExternalName') return;
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  // Single-stack IPv4 cluster: the allocator fills clusterIP/clusterIPs, the families are fixed.
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.ipFamilies ??= ['IPv4'];
}

function validatePorts(spec: ServiceSpec, errs: FieldError[]): void {
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const path = index('spec.ports', i);
    if (ports.length > 1 && !p.name) errs.push(required(child(path, 'name')));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(invalid(child(path, 'name'), p.name, m));
      if (names.has(p.name)) errs.push(duplicate(child(path, 'name'), p.name));
      names.add(p.name);
    }
    for (const m of isValidPortNum(p.port)) errs.push(invalid(child(path, 'port'), p.port, m));
    if (!p.protocol) errs.push(required(child(path, 'protocol')));
    else errs.push(...oneOf(child(path, 'protocol'), p.protocol, PORT_PROTOCOLS));
    if (typeof p.targetPort === 'number') {
      for (const m of isValidPortNum(p.targetPort)) errs.push(invalid(child(path, 'targetPort'), p.targetPort, m));
    } else if (typeof p.targetPort === 'string') {
      for (const m of isValidPortName(p.targetPort)) errs.push(invalid(child(path, 'targetPort'), p.targetPort, m));
    }
    if (p.nodePort && (spec.type === 'ClusterIP' || spec.type === 'ExternalName')) {
      errs.push(forbidden(child(path, 'nodePort'), `may not be used when \`type\` is '${spec.type}'`));
    } else if (p.nodePort) {
      for (const m of isValidPortNum(p.nodePort)) errs.push(invalid(child(path, 'nodePort'), p.nodePort, m));
    }
    const k = `${p.port}/${p.protocol}`;
    if (seen.has(k))
      errs.push(
        duplicate(
          path,
          goRaw(`core.ServicePort{Name:${JSON.stringify(p.name ?? '')}, Protocol:${JSON.stringify(p.protocol ?? '')}, Port:${p.port}}`),
        ),
      );
    seen.add(k);
  });
}

function validate(svc: KubeObject, old?: KubeObject): FieldError[] {
  const spec: ServiceSpec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.type) errs.push(required('spec.type'));
  else errs.push(...oneOf('spec.type', spec.type, SERVICE_TYPES));
  errs.push(...oneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    if (spec.clusterIP && spec.clusterIP !== '') errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  }
  validatePorts(spec, errs);
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...oneOf('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  errs.push(...oneOf('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  if (old) {
    const was: string[] = old.spec?.clusterIPs ?? (old.spec?.clusterIP ? [old.spec.clusterIP] : []);
    const now: string[] = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
    const bothNeedIP = old.spec?.type !== 'ExternalName' && spec.type !== 'ExternalName';
    if (bothNeedIP && was.length && now.length && was[0] !== now[0]) {
      errs.push(invalid('spec.clusterIPs[0]', goRaw(goStringSlice(now)), 'may not change once set'));
    }
  }
  return errs;
}

/** Keeps what the server allocated when a PUT omits it (as `kubectl replace` bodies usually do). */
function prepareForUpdate(svc: KubeObject, old: KubeObject): void {
  const spec = (svc.spec ??= {});
  const prev = old.spec ?? {};
  if (spec.type !== 'ExternalName' && prev.type !== 'ExternalName') {
    if (!spec.clusterIP && prev.clusterIP) spec.clusterIP = prev.clusterIP;
    if (!spec.clusterIPs && prev.clusterIPs) spec.clusterIPs = prev.clusterIPs;
  }
  const nodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (nodePorts) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const match = (prev.ports ?? []).find((q: ServicePort) => q.port === p.port && q.protocol === p.protocol && q.nodePort);
      if (match) p.nodePort = match.nodePort;
    }
    if (!spec.healthCheckNodePort && prev.healthCheckNodePort && spec.externalTrafficPolicy === 'Local') {
      spec.healthCheckNodePort = prev.healthCheckNodePort;
    }
  }
}

export const serviceKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  shortNames: ['svc'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V1Service',
  printerColumns: [
    nameColumn(),
    column('Type', 'string', 'How the service is exposed (ClusterIP, NodePort, LoadBalancer, ExternalName).', (s) => s.spec?.type ?? ''),
    column(
      'Cluster-IP',
      'string',
      'The IP address of the service, or None for headless services.',
      (s) => s.spec?.clusterIPs?.[0] || s.spec?.clusterIP || '<none>',
    ),
    column('External-IP', 'string', 'External addresses of the service.', (s) => serviceExternalIP(s)),
    column('Port(s)', 'string', 'The ports exposed by this service.', servicePorts),
    ageColumn(),
    column('Selector', 'string', 'Label selector of the pods behind this service.', (s) => formatLabels(s.spec?.selector), 1),
  ],
  defaults,
  // A new Service shows `status: {loadBalancer: {}}` until a load balancer reports in.
  prepareForCreate: (svc) => {
    svc.status = { loadBalancer: {} };
  },
  validate,
  prepareForUpdate,
});
