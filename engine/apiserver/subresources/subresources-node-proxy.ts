// nodes/proxy: the kubelet's read endpoints that clients reach through the API server
// (`kubectl get --raw /api/v1/nodes/<n>/proxy/stats/summary`, Lens, metrics scrapers), answered
// in the kubelet's formats from what the API server already holds about the node: its pods, its
// Ready condition and the usage figures its kubelet reports (the same as metrics.k8s.io). This
// serves Docker and simulated nodes alike and never opens a connection: upstream's other node
// ports (`name:port` not the kubelet's) and the kubelet's host-file endpoints (/logs) are not
// offered, since a Skiff node is the user's machine. RBAC checks `nodes/proxy` (as powerful as
// exec upstream; only cluster-admin has it by default).
import type { KubeObject } from '../../kinds/types';
import type { HttpSubresourceCall, SubresourceHandler } from '../handler-deps';
import type { MetricsSnapshot, PodUsage } from '../metrics-api';
import { errors } from '../status';
import { splitSchemeNamePort, proxySubpath, admitProxy } from './subresources-proxy';

export const KUBELET_PORT = 10250;

type Answer = { status: number; type: string; body: string };
const text = (body: string, status = 200): Answer => ({ status, type: 'text/plain; charset=utf-8', body });
const json = (body: unknown): Answer => ({ status: 200, type: 'application/json', body: JSON.stringify(body) });
const NOT_FOUND = text('404 page not found\n', 404);

function isReady(node: KubeObject): boolean {
  const conditions = ((node.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? []) as Array<{
    type?: string;
    status?: string;
  }>;
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

async function podsOn(call: HttpSubresourceCall, node: string): Promise<KubeObject[]> {
  const podDef = call.deps.kinds.byResource('', 'v1', 'pods');
  if (!podDef) return [];
  const { items } = await call.deps.resources.list(podDef, undefined);
  return items.filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === node);
}

const cpu = (time: string, nanoCores: number) => ({ time, usageNanoCores: Math.round(nanoCores) });
const memory = (time: string, bytes: number) => ({ time, usageBytes: bytes, workingSetBytes: bytes });

/** The kubelet's Summary API (stats/v1alpha1) over the reported usage. */
function summary(node: KubeObject, pods: KubeObject[], usage: MetricsSnapshot | undefined) {
  const name = node.metadata.name;
  const nodeUsage = usage?.nodes.find((n) => n.name === name);
  const byKey = new Map<string, PodUsage>((usage?.pods ?? []).map((p) => [`${p.namespace}/${p.name}`, p]));
  const now = new Date().toISOString();
  return {
    node: {
      nodeName: name,
      startTime: node.metadata.creationTimestamp,
      ...(nodeUsage
        ? { cpu: cpu(nodeUsage.timestamp, nodeUsage.cpuNanoCores), memory: memory(nodeUsage.timestamp, nodeUsage.memoryBytes) }
        : {}),
    },
    pods: pods.map((p) => {
      const u = byKey.get(`${p.metadata.namespace}/${p.metadata.name}`);
      const t = u?.timestamp ?? now;
      const containers = (u?.containers ?? []).map((c) => ({
        name: c.name,
        cpu: cpu(t, c.cpuNanoCores),
        memory: memory(t, c.memoryBytes),
      }));
      const total = (f: 'cpuNanoCores' | 'memoryBytes') => (u?.containers ?? []).reduce((s, c) => s + c[f], 0);
      return {
        podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
        startTime: (p.status as { startTime?: string } | undefined)?.startTime ?? p.metadata.creationTimestamp,
        containers,
        ...(u ? { cpu: cpu(t, total('cpuNanoCores')), memory: memory(t, total('memoryBytes')) } : {}),
      };
    }),
  };
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** /metrics/resource: the kubelet's resource metrics (memory working sets; see the file's README note on CPU). */
function resourceMetrics(node: string, usage: MetricsSnapshot | undefined): string {
  const lines: string[] = [];
  const metric = (name: string, help: string, rows: string[]) => {
    lines.push(`# HELP ${name} [STABLE] ${help}`, `# TYPE ${name} gauge`, ...rows);
  };
  const at = (ts: string) => Date.parse(ts) || Date.now();
  const n = usage?.nodes.find((x) => x.name === node);
  const pods = usage?.pods ?? [];
  metric(
    'container_memory_working_set_bytes',
    'Current working set of the container in bytes',
    pods.flatMap((p) =>
      p.containers.map(
        (c) =>
          `container_memory_working_set_bytes{container="${label(c.name)}",namespace="${label(p.namespace)}",pod="${label(p.name)}"} ${c.memoryBytes} ${at(p.timestamp)}`,
      ),
    ),
  );
  metric(
    'node_memory_working_set_bytes',
    'Current working set of the node in bytes',
    n ? [`node_memory_working_set_bytes ${n.memoryBytes} ${at(n.timestamp)}`] : [],
  );
  metric(
    'pod_memory_working_set_bytes',
    'Current working set of the pod in bytes',
    pods.map(
      (p) =>
        `pod_memory_working_set_bytes{namespace="${label(p.namespace)}",pod="${label(p.name)}"} ${p.containers.reduce((s, c) => s + c.memoryBytes, 0)} ${at(p.timestamp)}`,
    ),
  );
  lines.push(
    '# HELP scrape_error [ALPHA] 1 if there was an error while getting container metrics, 0 otherwise',
    '# TYPE scrape_error gauge',
    `scrape_error ${usage ? 0 : 1}`,
  );
  return `${lines.join('\n')}\n`;
}

/** /metrics: a few of the kubelet's own series. */
function kubeletMetrics(node: string, pods: KubeObject[]): string {
  const running = pods.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
  const containers = running.reduce((s, p) => s + ((p.spec as { containers?: unknown[] }).containers ?? []).length, 0);
  return [
    "# HELP kubelet_node_name [ALPHA] The node's name. The count is always 1.",
    '# TYPE kubelet_node_name gauge',
    `kubelet_node_name{node="${label(node)}"} 1`,
    '# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox',
    '# TYPE kubelet_running_pods gauge',
    `kubelet_running_pods ${running.length}`,
    '# HELP kubelet_running_containers [ALPHA] Number of containers currently running',
    '# TYPE kubelet_running_containers gauge',
    `kubelet_running_containers{container_state="running"} ${containers}`,
    '',
  ].join('\n');
}

function configz(node: KubeObject) {
  const capacity = (node.status as { capacity?: Record<string, string> } | undefined)?.capacity ?? {};
  return {
    kubeletconfig: {
      kind: 'KubeletConfiguration',
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      port: KUBELET_PORT,
      maxPods: Number(capacity.pods ?? 110),
      podCIDR: (node.spec as { podCIDR?: string } | undefined)?.podCIDR ?? '',
      authentication: { webhook: { enabled: true }, anonymous: { enabled: false } },
      authorization: { mode: 'Webhook' },
    },
  };
}

async function answer(call: HttpSubresourceCall, node: KubeObject, path: string): Promise<Answer> {
  const name = node.metadata.name ?? '';
  const clean = path.replace(/\/+$/, '') || '/';
  switch (clean) {
    case '/healthz':
      return isReady(node)
        ? text('ok')
        : { ...text(`[-]kubelet failed: node "${name}" is not Ready\nhealthz check failed\n`), status: 500 };
    case '/pods':
      return json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: await podsOn(call, name) });
    case '/stats/summary':
      return json(summary(node, await podsOn(call, name), call.deps.nodeUsage?.()));
    case '/metrics/resource':
      return { ...text(resourceMetrics(name, call.deps.nodeUsage?.())), type: 'text/plain; version=0.0.4; charset=utf-8' };
    case '/metrics':
      return { ...text(kubeletMetrics(name, await podsOn(call, name))), type: 'text/plain; version=0.0.4; charset=utf-8' };
    case '/configz':
      return json(configz(node));
    default:
      return NOT_FOUND;
  }
}

export const nodeProxy: SubresourceHandler = {
  methods: ['GET', 'HEAD'],
  async serve(call) {
    const { deps, def, name, req, res } = call;
    if (!res) throw errors.methodNotAllowed();
    const { path } = proxySubpath((req.url ?? '').split('?')[0], def.plural, name);
    await admitProxy(call, path);
    const id = splitSchemeNamePort(name);
    if (!id) throw errors.badRequest(`invalid node request ${JSON.stringify(name)}`);
    if (id.port && id.port !== String(KUBELET_PORT)) {
      throw errors.badRequest(`address not allowed: nodes/proxy reaches only the kubelet port (${KUBELET_PORT}) of a Skiff node`);
    }
    const node = await deps.resources.get(def, undefined, id.name);
    const a = await answer(call, node, path || '/');
    res.writeHead(a.status, { 'Content-Type': a.type, 'Content-Length': Buffer.byteLength(a.body), 'X-Content-Type-Options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : a.body);
    return undefined;
  },
};
