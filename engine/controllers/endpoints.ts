// Endpoints controller: for every Service with a selector, an Endpoints object listing the
// selected pods' IPs — Ready pods under `addresses`, the rest under `notReadyAddresses` (or all
// as ready with publishNotReadyAddresses) — with ports resolved per pod from targetPort.
// The `kubernetes` Service has no selector; its Endpoints point at the API server.
import { isPodReady } from './util/pod-predicates';
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import type { Informer } from '../client/informer';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromSet } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';
import type { ContainerPort } from '../apimachinery/pod-types';

export interface EndpointsOptions {
  /** Address of the API server for the `kubernetes` Service's Endpoints (the host's address). */
  apiServerAddress?: string;
}

/** The Service's selector, or undefined when it has none (such Services are managed by users). */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0 || svc.spec?.type === 'ExternalName') return undefined;
  return sel;
}

/** Pods that can be endpoints at all: have an IP and have not finished. */
export function endpointCandidate(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.status?.podIP) && phase !== 'Succeeded' && phase !== 'Failed';
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** The Service's ports as this pod serves them; ports whose named targetPort the pod lacks are left out. */
export function resolvePorts(svc: KubeObject, pod: KubeObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    const target = sp.targetPort ?? sp.port;
    let port: number | undefined;
    if (typeof target === 'number') port = target;
    else if (/^\d+$/.test(String(target))) port = Number(target);
    else {
      for (const c of pod.spec?.containers ?? []) {
        const cp = (c.ports ?? []).find((p: ContainerPort) => p.name === target && (p.protocol ?? 'TCP') === protocol);
        if (cp) {
          port = cp.containerPort;
          break;
        }
      }
    }
    if (port === undefined) continue;
    out.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol, ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** Pod hostname as DNS sees it: only when the pod's subdomain is this Service. */
export function podHostname(svc: KubeObject, pod: KubeObject): string | undefined {
  return pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
}

export const targetRefOf = (pod: KubeObject) => ({
  kind: 'Pod',
  namespace: pod.metadata.namespace,
  name: pod.metadata.name,
  uid: pod.metadata.uid,
});

/** Services in the pod's namespace whose selector matches any of the given label sets. */
export function servicesForPod(services: Informer, pod: KubeObject, ...labelSets: (Record<string, string> | undefined)[]): KubeObject[] {
  return services.list().filter((svc) => {
    if (svc.metadata.namespace !== pod.metadata.namespace) return false;
    const sel = serviceSelector(svc);
    if (!sel) return false;
    const m = labelSelectorFromSet(sel);
    return labelSets.some((l) => m.matches(l ?? {}));
  });
}

/** Enqueues services affected by pod changes (both old and new labels). */
export function watchPodsForServices(pods: Informer, services: Informer, enqueue: (key: string) => void) {
  const key = (s: KubeObject) => `${s.metadata.namespace}/${s.metadata.name}`;
  pods.addHandlers({
    add: (p) => servicesForPod(services, p, p.metadata.labels).forEach((s) => enqueue(key(s))),
    update: (a, b) => {
      if (a.metadata.resourceVersion === b.metadata.resourceVersion) return;
      servicesForPod(services, b, a.metadata.labels, b.metadata.labels).forEach((s) => enqueue(key(s)));
    },
    delete: (p) => servicesForPod(services, p, p.metadata.labels).forEach((s) => enqueue(key(s))),
  });
  services.addHandlers({ add: (s) => enqueue(key(s)), update: (_a, s) => enqueue(key(s)), delete: (s) => enqueue(key(s)) });
}

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ReturnType<typeof targetRefOf>;
}

/** One of an Endpoints object's subsets. */
export interface EndpointSubset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: EndpointPort[];
}

/** The Endpoints subsets for a Service: addresses grouped by identical port lists, sorted for stable output. */
export function buildSubsets(svc: KubeObject, pods: KubeObject[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: Address[]; notReady: Address[] }>();
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const headlessNoPorts = (svc.spec?.ports ?? []).length === 0;
  for (const pod of pods) {
    if (!endpointCandidate(pod)) continue;
    if (pod.metadata.deletionTimestamp && !publishNotReady) continue;
    const ports = resolvePorts(svc, pod);
    if (ports.length === 0 && !headlessNoPorts) continue;
    const addr: Address = { ip: pod.status.podIP };
    const hostname = podHostname(svc, pod);
    if (hostname) addr.hostname = hostname;
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = targetRefOf(pod);
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(addr);
  }
  const byIp = (a: Address, b: Address) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  return [...groups.values()]
    .map((g) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }))
    .sort((a, b) => JSON.stringify(a.ports ?? []).localeCompare(JSON.stringify(b.ports ?? [])));
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The lead may extend ControllerDeps with the API server's address (the host's). */
export type EndpointsDeps = ControllerDeps & { apiServerAddress?: string };

export function createEndpointsController(deps: EndpointsDeps, opts: EndpointsOptions = {}): Controller {
  const { client, informers, log } = deps;
  const apiServerAddress = opts.apiServerAddress ?? deps.apiServerAddress ?? '127.0.0.1';
  const services = informers.informer(R.services);
  const pods = informers.informer(R.pods);
  const endpoints = informers.informer(R.endpoints);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`endpoints ${k}: ${(e as Error).message}`) });

  async function sync(key: string) {
    const { ns, name } = splitKey(key);
    const svc = services.get(ns, name);
    const current = endpoints.get(ns, name);
    if (!svc) {
      // Endpoints of a deleted Service go with it (user-made ones for selector-less Services too, as upstream).
      if (current)
        await client.delete(R.endpoints, ns, name).catch((e) => {
          if (!isStatus(e, 404)) throw e;
        });
      return;
    }
    let subsets: EndpointSubset[];
    if (ns === 'default' && name === 'kubernetes') {
      const port = svc.spec?.ports?.[0];
      subsets = [
        {
          addresses: [{ ip: apiServerAddress }],
          ports: [{ name: port?.name ?? 'https', port: Number(port?.targetPort ?? 6443), protocol: 'TCP' }],
        },
      ];
    } else {
      const sel = serviceSelector(svc);
      if (!sel) return;
      const m = labelSelectorFromSet(sel);
      subsets = buildSubsets(
        svc,
        pods.list().filter((p) => p.metadata.namespace === ns && m.matches(p.metadata.labels ?? {})),
      );
    }
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    if (current && sameJson(current.subsets ?? [], subsets) && sameJson(current.metadata.labels ?? {}, labels)) return;
    if (!current) {
      try {
        await client.create(R.endpoints, ns, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, subsets });
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
        const fresh = await client.get(R.endpoints, ns, name);
        await client.update(R.endpoints, ns, { ...fresh, metadata: { ...fresh.metadata, labels }, subsets });
      }
      return;
    }
    const next = structuredClone(current);
    next.metadata.labels = labels;
    next.subsets = subsets;
    await client.update(R.endpoints, ns, next); // a 409 fails the sync; the queue retries from a fresher cache
  }

  return {
    name: 'endpoints',
    start() {
      watchPodsForServices(pods, services, queue.add);
      endpoints.addHandlers({ delete: (e) => queue.add(`${e.metadata.namespace}/${e.metadata.name}`) });
    },
    stop: () => queue.stop(),
  };
}
