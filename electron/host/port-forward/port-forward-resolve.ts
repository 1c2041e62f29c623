// Where a port-forward's bytes go: a pod and one of its ports. A pod's port may be named; a
// Service resolves, like `kubectl port-forward svc/x`, to its port's targetPort on one ready
// pod behind it (EndpointSlices, then Endpoints, then the selector's running pods).
import { HostHttpError } from '../http/http-util';

/** One GET against the profile's API server: status and parsed body (undefined when not JSON). */
export type KubeGet = (path: string) => Promise<{ status: number; body: any }>;

export interface ForwardTarget {
  pod: string;
  podPort: number;
}

const enc = encodeURIComponent;

/** A port as asked: a number (or numeric string) in 1..65535, or a port name. */
export function parseRemotePort(v: unknown): number | string {
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v.trim()))) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new HostHttpError(400, `remote port ${v} is out of range`, 'use a port from 1 to 65535, or a port name from the spec');
    return n;
  }
  if (typeof v === 'string' && /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(v.trim())) return v.trim();
  throw new HostHttpError(
    400,
    `remote port ${JSON.stringify(v)} is neither a port number nor a port name`,
    'use a number from 1 to 65535, or a port name such as "http"',
  );
}

function statusMessage(body: any): string {
  return typeof body?.message === 'string' ? body.message : '';
}

async function getObject(get: KubeGet, path: string, what: string, ns: string): Promise<any> {
  const r = await get(path);
  if (r.status === 200) return r.body;
  if (r.status === 404)
    throw new HostHttpError(404, `${what} not found in namespace "${ns}"`, 'it may have been deleted; refresh the list and pick another');
  if (r.status === 401 || r.status === 403)
    throw new HostHttpError(
      403,
      `the cluster refused to show ${what}: ${statusMessage(r.body) || `HTTP ${r.status}`}`,
      'this profile needs permission to get it (and pods/portforward)',
    );
  throw new HostHttpError(
    502,
    `reading ${what} failed (HTTP ${r.status}): ${statusMessage(r.body) || 'no message'}`,
    'check that the cluster is healthy and try again',
  );
}

/** The number behind a container port name in a pod's spec. */
export function namedPodPort(pod: any, name: string): number | undefined {
  for (const c of [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === 'TCP') return p.containerPort;
  }
  return undefined;
}

function portNames(pod: any): string {
  const names = (pod?.spec?.containers ?? []).flatMap((c: any) =>
    (c.ports ?? []).map((p: any) => (p.name ? `${p.name} (${p.containerPort})` : String(p.containerPort))),
  );
  return names.length ? names.join(', ') : 'none declared';
}

function assertRunning(pod: any, name: string): void {
  const phase = pod?.status?.phase ?? 'Unknown';
  if (pod?.metadata?.deletionTimestamp)
    throw new HostHttpError(409, `pod "${name}" is terminating`, 'forward to another pod (or to its Service)');
  if (phase !== 'Running')
    throw new HostHttpError(409, `pod "${name}" is not running (phase ${phase})`, 'wait until it runs, then try again');
}

export async function resolvePodTarget(get: KubeGet, ns: string, name: string, remotePort: number | string): Promise<ForwardTarget> {
  const pod = await getObject(get, `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`, `pod "${name}"`, ns);
  assertRunning(pod, name);
  if (typeof remotePort === 'number') return { pod: name, podPort: remotePort };
  const n = namedPodPort(pod, remotePort);
  if (n === undefined) throw new HostHttpError(400, `pod "${name}" has no TCP port named "${remotePort}"`, `its ports: ${portNames(pod)}`);
  return { pod: name, podPort: n };
}

function ready(pod: any): boolean {
  return (
    pod?.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Pod names behind a Service, ready ones first. */
async function podsBehind(get: KubeGet, ns: string, svc: any): Promise<string[]> {
  const name = svc.metadata?.name as string;
  const out: string[] = [];
  const add = (n: unknown) => {
    if (typeof n === 'string' && !out.includes(n)) out.push(n);
  };
  const slices = await get(
    `/apis/discovery.k8s.io/v1/namespaces/${enc(ns)}/endpointslices?labelSelector=${enc(`kubernetes.io/service-name=${name}`)}`,
  );
  if (slices.status === 200) {
    for (const s of slices.body?.items ?? []) {
      for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false && e.targetRef?.kind === 'Pod') add(e.targetRef.name);
    }
  }
  if (!out.length) {
    const eps = await get(`/api/v1/namespaces/${enc(ns)}/endpoints/${enc(name)}`);
    if (eps.status === 200) {
      for (const sub of eps.body?.subsets ?? [])
        for (const a of sub.addresses ?? []) if (a.targetRef?.kind === 'Pod') add(a.targetRef.name);
    }
  }
  const selector = svc.spec?.selector as Record<string, string> | undefined;
  if (!out.length && selector && Object.keys(selector).length) {
    const sel = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = await get(`/api/v1/namespaces/${enc(ns)}/pods?labelSelector=${enc(sel)}`);
    if (pods.status === 200) {
      const items: any[] = pods.body?.items ?? [];
      for (const p of items.filter(ready)) add(p.metadata?.name);
      for (const p of items.filter((x) => x.status?.phase === 'Running' && !x.metadata?.deletionTimestamp)) add(p.metadata?.name);
    }
  }
  return out;
}

export async function resolveServiceTarget(
  get: KubeGet,
  ns: string,
  name: string,
  remotePort: number | string,
  avoid?: string,
): Promise<ForwardTarget> {
  const svc = await getObject(get, `/api/v1/namespaces/${enc(ns)}/services/${enc(name)}`, `service "${name}"`, ns);
  if (svc.spec?.type === 'ExternalName')
    throw new HostHttpError(
      400,
      `service "${name}" is an ExternalName service (${svc.spec.externalName}): it has no pods to forward to`,
      'forward to the service it names instead',
    );
  const ports: any[] = svc.spec?.ports ?? [];
  const sp = ports.find(
    (p) => (typeof remotePort === 'number' ? p.port === remotePort : p.name === remotePort) && (p.protocol ?? 'TCP') === 'TCP',
  );
  if (!sp) {
    const list = ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ') || 'none';
    throw new HostHttpError(
      400,
      `service "${name}" has no TCP port ${typeof remotePort === 'number' ? remotePort : `named "${remotePort}"`}`,
      `its ports: ${list}`,
    );
  }
  const candidates = await podsBehind(get, ns, svc);
  const ordered = avoid ? [...candidates.filter((p) => p !== avoid), ...candidates.filter((p) => p === avoid)] : candidates;
  const target = sp.targetPort ?? sp.port;
  let lastError: unknown;
  for (const podName of ordered) {
    try {
      const pod = await getObject(get, `/api/v1/namespaces/${enc(ns)}/pods/${enc(podName)}`, `pod "${podName}"`, ns);
      assertRunning(pod, podName);
      if (typeof target === 'number' || /^\d+$/.test(String(target))) return { pod: podName, podPort: Number(target) };
      const n = namedPodPort(pod, target);
      if (n === undefined)
        throw new HostHttpError(
          400,
          `pod "${podName}" behind service "${name}" has no port named "${target}" (the service's targetPort)`,
          `its ports: ${portNames(pod)}`,
        );
      return { pod: podName, podPort: n };
    } catch (err) {
      lastError = err;
    }
  }
  if (lastError) throw lastError;
  throw new HostHttpError(
    409,
    `service "${name}" has no running pod behind it`,
    svc.spec?.selector
      ? 'wait until a pod matching its selector is ready, then try again'
      : 'it has no selector: forward to a pod directly',
  );
}
