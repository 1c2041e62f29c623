// metrics.k8s.io/v1beta1, as metrics-server serves it: NodeMetrics and PodMetrics (get and
// list, label and field selectors), fed by the kubelets' usage figures. `kubectl top` needs the
// group in /apis discovery and plain JSON lists. Usage is printed like metrics-server does:
// cpu in nanocores ("123456n", or "250m" when exact), memory in binary units ("1234Ki").
import type { KubeClient } from '../client/types';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { ApiError, errors } from './status';
import { parseLabelSelector, compileFieldSelector } from '../apimachinery/selectors';
import { formatBytes, formatNanos } from '../apimachinery/quantity-format';

export interface NodeUsage {
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
  timestamp: string;
}
export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
}
export interface PodUsage {
  namespace: string;
  name: string;
  containers: ContainerUsage[];
  timestamp: string;
  /** The node that reported it, when it is another machine's agent: kept only while the pod is bound there. */
  node?: string;
}
export interface MetricsSnapshot {
  nodes: NodeUsage[];
  pods: PodUsage[];
}
/** Where usage comes from (the node manager); undefined while no kubelet runs. */
export type MetricsSource = () => MetricsSnapshot | undefined;

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const apiVersion = `${METRICS_GROUP}/${METRICS_VERSION}`;
// metrics-server reports the window its rate was computed over; the kubelets sample every ~10 s.
const WINDOW = '10s';
// Up to this many usage figures in scope, their pods are read by name rather than listing the
// namespace: a poll of a namespace of 50,000 pods, few of them running, used to copy all of them
// (over a second of the API server's event loop, stalling every request behind it).
const READ_BY_NAME = 500;

export const metricsApiGroup = {
  kind: 'APIGroup',
  apiVersion: 'v1',
  name: METRICS_GROUP,
  versions: [{ groupVersion: apiVersion, version: METRICS_VERSION }],
  preferredVersion: { groupVersion: apiVersion, version: METRICS_VERSION },
};

export const metricsResourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: apiVersion,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

/** The parts of a parsed API route the metrics API reads (engine/apiserver/routes.ts's Route). */
export interface MetricsRoute {
  type: string;
  group?: string;
  version?: string;
  namespace?: string;
  plural?: string;
  name?: string;
  subresource?: string;
}

export interface MetricsApiDeps {
  source: MetricsSource;
  /** Reads pods and nodes for their labels (selectors and metadata.labels). */
  client: KubeClient;
  now?: () => Date;
}

export type MetricsApi = ReturnType<typeof createMetricsApi>;

export function createMetricsApi(deps: MetricsApiDeps) {
  const now = deps.now ?? (() => new Date());
  const snapshot = (): MetricsSnapshot => deps.source() ?? { nodes: [], pods: [] };

  async function objectsOf(res: typeof R.pods, ns: string | undefined): Promise<Map<string, KubeObject>> {
    const out = new Map<string, KubeObject>();
    const list = await deps.client.list(res, ns);
    for (const o of list.items) out.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    return out;
  }

  /** The pods that `usage` names, by namespace/name (those that no longer exist are left out). */
  async function podsOf(usage: PodUsage[], ns: string | undefined): Promise<Map<string, KubeObject>> {
    if (usage.length > READ_BY_NAME) return objectsOf(R.pods, ns);
    const out = new Map<string, KubeObject>();
    for (const p of usage) {
      try {
        out.set(`${p.namespace}/${p.name}`, await deps.client.get(R.pods, p.namespace, p.name));
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return out;
  }

  function nodeMetrics(n: NodeUsage, labels: Record<string, string> | undefined): KubeObject {
    return {
      kind: 'NodeMetrics',
      apiVersion,
      metadata: {
        name: n.name,
        creationTimestamp: now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        ...(labels ? { labels } : {}),
      },
      timestamp: n.timestamp,
      window: WINDOW,
      usage: { cpu: formatNanos(n.cpuNanoCores), memory: formatBytes(n.memoryBytes) },
    };
  }

  function podMetrics(p: PodUsage, labels: Record<string, string> | undefined): KubeObject {
    return {
      kind: 'PodMetrics',
      apiVersion,
      metadata: {
        name: p.name,
        namespace: p.namespace,
        creationTimestamp: now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        ...(labels ? { labels } : {}),
      },
      timestamp: p.timestamp,
      window: WINDOW,
      containers: p.containers.map((c) => ({
        name: c.name,
        usage: { cpu: formatNanos(c.cpuNanoCores), memory: formatBytes(c.memoryBytes) },
      })),
    };
  }

  function matchers(q: URLSearchParams, namespaced: boolean) {
    const labels = parseLabelSelector(q.get('labelSelector') ?? '');
    const fields = compileFieldSelector(q.get('fieldSelector') ?? '', {
      'metadata.name': (o) => o.metadata.name ?? '',
      ...(namespaced ? { 'metadata.namespace': (o: KubeObject) => o.metadata.namespace ?? '' } : {}),
    });
    return (o: KubeObject) => labels.matches(o.metadata.labels) && fields.matches(o);
  }

  /** Answers a metrics.k8s.io route: a discovery document, a list or one object. Throws ApiErrors. */
  async function serve(route: MetricsRoute, q: URLSearchParams, method = 'GET'): Promise<{ status: number; body: unknown }> {
    if (method !== 'GET') throw errors.methodNotAllowed();
    if (route.type === 'group') return { status: 200, body: metricsApiGroup };
    if (route.version !== METRICS_VERSION) throw errors.notFoundPath();
    if (route.type === 'group-version') return { status: 200, body: metricsResourceList };
    if (route.subresource) throw errors.notFoundPath();
    const snap = snapshot();
    if (route.plural === 'nodes' && !route.namespace) {
      const nodes = await objectsOf(R.nodes, undefined);
      const objs = snap.nodes
        .filter((n) => nodes.has(`/${n.name}`))
        .map((n) => nodeMetrics(n, nodes.get(`/${n.name}`)!.metadata.labels ?? {}));
      if (route.name) {
        const hit = objs.find((o) => o.metadata.name === route.name);
        if (!hit) throw errors.notFound(METRICS_GROUP, 'nodemetrics', route.name);
        return { status: 200, body: hit };
      }
      const match = matchers(q, false);
      return { status: 200, body: { kind: 'NodeMetricsList', apiVersion, metadata: {}, items: objs.filter(match) } };
    }
    if (route.plural === 'pods') {
      const ns = route.namespace;
      const key = (p: PodUsage) => `${p.namespace}/${p.name}`;
      const pods = await podsOf(
        snap.pods.filter((p) => (!ns || p.namespace === ns) && (!route.name || p.name === route.name)),
        ns,
      );
      // A joined machine's agent speaks only for the pods bound to its own node.
      const known = (p: PodUsage) =>
        pods.has(key(p)) && (!p.node || (pods.get(key(p))!.spec as { nodeName?: string } | undefined)?.nodeName === p.node);
      const objs = snap.pods
        .filter((p) => (!ns || p.namespace === ns) && known(p))
        .map((p) => podMetrics(p, pods.get(key(p))!.metadata.labels ?? {}));
      if (route.name) {
        const hit = objs.find((o) => o.metadata.name === route.name);
        // metrics-server names the pod with its namespace here.
        if (!hit) throw errors.notFound(METRICS_GROUP, 'podmetrics', `${ns ?? ''}/${route.name}`);
        return { status: 200, body: hit };
      }
      const match = matchers(q, true);
      return { status: 200, body: { kind: 'PodMetricsList', apiVersion, metadata: {}, items: objs.filter(match) } };
    }
    throw errors.notFoundPath();
  }

  return { serve };
}

/** Adds the metrics group to an /apis APIGroupList (discovery is built from stored kinds). */
export function withMetricsGroup<T extends { groups: object[] }>(list: T): T {
  return { ...list, groups: [...list.groups, metricsApiGroup] };
}

/** True for routes under /apis/metrics.k8s.io. */
export function isMetricsRoute(route: MetricsRoute): boolean {
  return route.group === METRICS_GROUP && (route.type === 'group' || route.type === 'group-version' || route.type === 'resource');
}
