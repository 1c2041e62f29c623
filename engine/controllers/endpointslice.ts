// EndpointSlice controller (discovery.k8s.io/v1): the selected pods of every Service with a
// selector, as IPv4 slices of at most 100 endpoints, one set of slices per distinct resolved
// port list; each endpoint carries ready/serving/terminating conditions, nodeName, targetRef
// and hostname. Slices are owned by their Service (the garbage collector removes them).
import { isPodReady } from './util/pod-predicates';
import { ownerRefFor } from './util/controller-ref';
import { splitKey } from '../client/informer';
import type { KubeObject } from '../kinds/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { labelSelectorFromSet } from '../apimachinery/selectors';
import {
  type EndpointsDeps,
  endpointCandidate,
  podHostname,
  resolvePorts,
  serviceSelector,
  targetRefOf,
  watchPodsForServices,
  type EndpointPort,
} from './endpoints';
import type { Controller } from './types';

/** One endpoint of a slice, as written (field order is the one compared against the stored slice). */
interface SliceEndpoint {
  addresses: string[];
  // The kubernetes Service's endpoint (the API server) carries only ready.
  conditions: { ready: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef?: ReturnType<typeof targetRefOf>;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
const MAX_PER_SLICE = 100;

interface Desired {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

/** Desired slices for a Service over its selected pods (at least one, possibly empty). */
export function desiredSlices(svc: KubeObject, pods: KubeObject[]): Desired[] {
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: SliceEndpoint[] }>();
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const noPorts = (svc.spec?.ports ?? []).length === 0;
  for (const pod of pods) {
    if (!endpointCandidate(pod)) continue;
    const ports = resolvePorts(svc, pod);
    if (ports.length === 0 && !noPorts) continue;
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    const ready = isPodReady(pod);
    const ep: SliceEndpoint = {
      addresses: [pod.status.podIP as string],
      conditions: { ready: publishNotReady || (ready && !terminating), serving: ready, terminating },
    };
    const hostname = podHostname(svc, pod);
    if (hostname) ep.hostname = hostname;
    if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
    ep.targetRef = targetRefOf(pod);
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, endpoints: [] }));
    g.endpoints.push(ep);
  }
  const out: Desired[] = [];
  for (const g of groups.values()) {
    g.endpoints.sort((a, b) => (a.addresses[0] < b.addresses[0] ? -1 : 1));
    for (let i = 0; i < g.endpoints.length; i += MAX_PER_SLICE)
      out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_PER_SLICE) });
  }
  // Like upstream, a Service with no endpoints still gets one (empty) slice.
  if (out.length === 0) out.push({ ports: [], endpoints: [] });
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function createEndpointSliceController(deps: EndpointsDeps, opts: { apiServerAddress?: string } = {}): Controller {
  const { client, informers, log } = deps;
  const apiServerAddress = opts.apiServerAddress ?? deps.apiServerAddress ?? '127.0.0.1';
  const services = informers.informer(R.services);
  const pods = informers.informer(R.pods);
  const slices = informers.informer(R.endpointslices);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`endpointslice ${k}: ${(e as Error).message}`) });

  // Slices we created that the informer has not shown yet: without them a quick second sync would create duplicates.
  const created = new Map<string, KubeObject[]>();

  function ownedSlices(ns: string, name: string) {
    const cached = slices
      .list()
      .filter(
        (s) =>
          s.metadata.namespace === ns &&
          s.metadata.labels?.[SERVICE_NAME_LABEL] === name &&
          s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
      );
    const key = `${ns}/${name}`;
    const waiting = (created.get(key) ?? []).filter((c) => !slices.get(ns, c.metadata.name!));
    if (waiting.length) created.set(key, waiting);
    else created.delete(key);
    return [...cached, ...waiting];
  }

  async function sync(key: string) {
    const { ns, name } = splitKey(key);
    const svc = services.get(ns, name);
    if (!svc) return; // owned slices go with the Service through the garbage collector
    let desired: Desired[];
    if (ns === 'default' && name === 'kubernetes') {
      const port = svc.spec?.ports?.[0];
      desired = [
        {
          ports: [{ name: port?.name ?? 'https', port: Number(port?.targetPort ?? 6443), protocol: 'TCP' }],
          endpoints: [{ addresses: [apiServerAddress], conditions: { ready: true } }],
        },
      ];
    } else {
      const sel = serviceSelector(svc);
      if (!sel) return;
      const m = labelSelectorFromSet(sel);
      desired = desiredSlices(
        svc,
        pods.list().filter((p) => p.metadata.namespace === ns && m.matches(p.metadata.labels ?? {})),
      );
    }
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    // Reuse slices with the same port list first, then any left over; delete the rest.
    const existing = ownedSlices(ns, name).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const unused = new Set(existing);
    const plan: [Desired, KubeObject | undefined][] = desired.map((d) => {
      const match = [...unused].find((s) => sameJson(s.ports ?? [], d.ports));
      if (match) unused.delete(match);
      return [d, match];
    });
    for (const p of plan) {
      if (!p[1] && unused.size) {
        const [s] = unused;
        unused.delete(s);
        p[1] = s;
      }
    }
    const ownerRef = ownerRefFor(svc, 'v1', 'Service');
    for (const [d, cur] of plan) {
      if (!cur) {
        const made = await client.create(R.endpointslices, ns, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`.slice(0, 58), namespace: ns, labels, ownerReferences: [ownerRef] },
          addressType: 'IPv4',
          endpoints: d.endpoints,
          ports: d.ports,
        });
        created.set(key, [...(created.get(key) ?? []), made]);
        continue;
      }
      if (sameJson(cur.endpoints ?? [], d.endpoints) && sameJson(cur.ports ?? [], d.ports) && sameJson(cur.metadata.labels, labels))
        continue;
      const next = structuredClone(cur);
      next.metadata.labels = labels;
      next.endpoints = d.endpoints;
      next.ports = d.ports;
      await client.update(R.endpointslices, ns, next);
    }
    for (const s of unused)
      await client.delete(R.endpointslices, ns, s.metadata.name!).catch((e) => {
        if (!isStatus(e, 404)) throw e;
      });
  }

  return {
    name: 'endpointslice',
    start() {
      watchPodsForServices(pods, services, queue.add);
      const bySlice = (s: KubeObject) => {
        const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
        if (svc && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) queue.add(`${s.metadata.namespace}/${svc}`);
      };
      slices.addHandlers({ delete: bySlice });
    },
    stop: () => queue.stop(),
  };
}
