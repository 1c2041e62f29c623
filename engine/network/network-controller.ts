// Service networking for a Docker-backed cluster, in the Skiff process: watches Services and
// EndpointSlices, pushes the routing table to the network agent (debounced), listens on
// 127.0.0.1 for NodePort and LoadBalancer ports, sets LoadBalancer ingress to 127.0.0.1, and
// reports host ports it cannot take as Warning events on the Service (retrying later).
import type Docker from 'dockerode';
import type { KubeClient } from '../client/types';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { createInformer } from '../client/informer';
import { createEventRecorder } from '../client/event-recorder';
import { CLUSTER_DOMAIN, type AddressPlan } from './address-plan';
import { computeTable, type Endpoint, type RoutingTable } from './table';
import { serviceEnv } from './service-env';
import { DEFAULT_LB_PORT_RANGE, formatPortRange, hostClaims, type PortRange } from './host-targets';
import { createHostListeners, type ListenFailure } from './host-listeners';
import { ensureKubeDnsService } from './kube-dns';
import type { ClusterKey } from '../docker/names';
import { startAgent } from './agent-runner';
import type { AgentLink } from './agent-link';
import type { ProxyMode } from './agent/kernel-proxy';
import { rmSync, writeFileSync } from 'node:fs';
import { createHostRelay } from './host-relay';
import type { PortRoute, ServiceRoute } from './table';
import { join } from 'node:path';
import { startPolicyController } from './policy/policy-controller';
import { applyHostPolicy, hostPolicyTarget } from './policy/policy-host';
import { startPodRoutes } from './pod-routes-controller';
import { ensureAgentImage } from './agent-image';

export interface NetworkControllerOptions {
  /** The agent's own identity: reads Services and EndpointSlices, writes LoadBalancer status. */
  client: KubeClient;
  /** Creates the kube-dns Service, an add-on the cluster installs (default: `client`). */
  setupClient?: KubeClient;
  /** The cluster's identity in Docker (engine/docker/names.ts). */
  cluster: ClusterKey;
  /** The cluster's own directory. */
  clusterDir: string;
  plan: AddressPlan;
  docker?: Docker;
  log?: (line: string) => void;
  debounceMs?: number;
  retryMs?: number;
  /** The API server's port on 127.0.0.1: the only host target of reverse routes. */
  apiServerPort?: number;
  /** Host ports a LoadBalancer's own ports may take (default 1025–65535). */
  lbPortRange?: PortRange;
  /** The address other machines reach this one at (skiff start --advertise-address): joined machines' pods are routed. */
  advertiseAddress?: string;
}

export interface NetworkController {
  /** Resolves once the agent runs and has applied a table (rejects when it cannot start). */
  ready(timeoutMs?: number): Promise<void>;
  /** Resolves when the agent has applied everything this controller knows now. */
  synced(timeoutMs?: number): Promise<void>;
  /** KUBERNETES_SERVICE_HOST and friends for a container of `pod`. */
  serviceEnv(pod: KubeObject): Promise<Record<string, string>>;
  /** Host ports listening now (tests). */
  hostPorts(): number[];
  /** A connection to a ready endpoint of a Service ClusterIP:port through the agent (the ingress's fallback path). */
  dial(ip: string, port: number): Promise<import('node:net').Socket>;
  /** How Service traffic runs: the agent's kernel rules or its userspace proxies (undefined until it said). */
  serviceProxy(): ProxyMode | undefined;
  /** True when the agent could not start (pods then keep Docker's DNS rather than a dead server). */
  failed(): boolean;
  stop(): Promise<void>;
}

const LB_INGRESS = [{ ip: '127.0.0.1' }];
/** In the cluster dir: how Service traffic runs now ("kernel: …" or "userspace: …"). */
export const SERVICE_PROXY_FILE = 'service-proxy';

export function startNetworkController(o: NetworkControllerOptions): NetworkController {
  const log = o.log ?? (() => {});
  const debounceMs = o.debounceMs ?? 100;
  const services = createInformer(o.client, R.services, { log });
  const slices = createInformer(o.client, R.endpointslices, { log });
  const events = createEventRecorder({ client: o.client, component: 'skiff-network', log });
  let stopped = false;
  let failed = false;
  let link: AgentLink | undefined;
  let version = 0;
  let pushed = -1;
  let pushedTo: AgentLink | undefined;
  let lastJson = '';
  let reverse = new Map<string, Endpoint>();
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();
  const failing = new Map<string, string>(); // "svc|port" → error already reported

  let routes = new Map<string, { svc: ServiceRoute; port: PortRoute }>();
  rmSync(join(o.clusterDir, SERVICE_PROXY_FILE), { force: true });
  const envDial = process.env.SKIFF_HOST_DIAL;
  const hostRelay = createHostRelay({
    mode: envDial === 'direct' || envDial === 'agent' ? envDial : process.platform === 'linux' ? 'auto' : 'agent',
    route: (ip, port) => routes.get(`${ip}:${port}`),
    agentRelay: (client, ip, port) =>
      link ? link.relay(client, ip, port) : Promise.reject(new Error('the network agent is not running yet')),
    log,
  });
  const listeners = createHostListeners({ log, relay: (client, ip, port) => hostRelay.relay(client, ip, port) });

  // engine/docker/dockerode.ts: dockerode without its gRPC and SSH parts (~0.5 s of loading).
  const dockerClient = async () => o.docker ?? new (await import('../docker/dockerode')).Docker();
  const policy = startPolicyController({
    client: o.client,
    cluster: o.cluster,
    clusterDir: o.clusterDir,
    plan: o.plan,
    host: {
      target: async () => hostPolicyTarget(await dockerClient(), o.cluster),
      apply: async (script) => {
        const docker = await dockerClient();
        return applyHostPolicy(docker, o.cluster, await ensureAgentImage(docker, { log }), script);
      },
    },
    onChange: () => schedule(),
    event: (obj, type, reason, message) => events.event(obj, type as 'Warning', reason, message),
    log,
  });

  // Pods on joined machines: routes to their podCIDRs, and ours published for them (pod-routes.ts).
  const podRoutes = o.advertiseAddress
    ? startPodRoutes({
        client: o.setupClient ?? o.client,
        docker: dockerClient,
        cluster: o.cluster,
        self: o.advertiseAddress,
        publish: { cidr: o.plan.subnet, nodes: (n) => n.metadata.annotations?.['skiff.dev/node-runtime'] === 'docker' },
        log,
      })
    : undefined;

  const informersReady = Promise.all([services.start(), slices.start()]);
  informersReady.catch((e) => log(`network: informers: ${e.message}`));

  const agent = (async () => {
    const { Docker } = await import('../docker/dockerode');
    await ensureKubeDnsService(o.setupClient ?? o.client, o.plan.dnsIP).catch((e) => log(`network: kube-dns Service: ${e.message}`));
    const l = await startAgent({
      docker: o.docker ?? new Docker(),
      cluster: o.cluster,
      clusterDir: o.clusterDir,
      dnsIP: o.plan.dnsIP,
      log,
      reverseTarget: (ip, port) => reverse.get(`${ip}:${port}`),
      onProxyMode(mode) {
        log(`network: Service traffic runs ${mode.mode === 'kernel' ? 'in the kernel' : 'through the userspace proxy'} (${mode.detail})`);
        policy.setServiceProxy(mode.mode, mode.detail);
        // `skiff status` reads it (the process answers no local queries of its own).
        try {
          writeFileSync(join(o.clusterDir, SERVICE_PROXY_FILE), `${mode.mode}: ${mode.detail}\n`);
        } catch (e) {
          log(`network: cannot record the service proxy mode: ${(e as Error).message}`);
        }
      },
      stopped: () => stopped,
    });
    if (stopped) {
      l.close();
      throw new Error('cluster stopping');
    }
    link = l;
    await informersReady;
    schedule(0);
    return l;
  })();
  agent.catch((e) => {
    if (stopped) return;
    failed = true;
    log(
      `network: the network agent could not start, so Services have no ClusterIP traffic, cluster DNS or host ports (new pods use Docker's DNS): ${e.message}`,
    );
  });

  function schedule(ms = debounceMs) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      syncing = syncing.then(sync).catch((e) => log(`network: ${e.message}`));
    }, ms);
  }

  async function sync() {
    if (stopped || !services.hasSynced() || !slices.hasSynced()) return;
    const svcs = services.list();
    const computed = computeTable({
      services: svcs,
      slices: slices.list(),
      dnsIP: o.plan.dnsIP,
      domain: CLUSTER_DOMAIN,
      apiServer: o.apiServerPort ? { ip: '127.0.0.1', port: o.apiServerPort } : undefined,
    });
    reverse = computed.reverse;
    const next = new Map<string, { svc: ServiceRoute; port: PortRoute }>();
    for (const svc of computed.table.services)
      for (const port of svc.ports) if (port.protocol === 'TCP') next.set(`${svc.ip}:${port.port}`, { svc, port });
    routes = next;
    computed.table.policy = policy.agentScript();
    computed.table.policyModel = policy.agentModel();
    const json = JSON.stringify(computed.table);
    if (json !== lastJson) {
      lastJson = json;
      version++;
    }
    const table: RoutingTable = { ...computed.table, version };
    // The link re-sends the newest table after a reconnect by itself.
    if (link && (version !== pushed || link !== pushedTo)) {
      link.push(table);
      pushed = version;
      pushedTo = link;
    }
    await syncHostPorts(svcs);
  }

  async function syncHostPorts(svcs: KubeObject[]) {
    const range = o.lbPortRange ?? DEFAULT_LB_PORT_RANGE;
    const claims = hostClaims(svcs, range);
    const failures: ListenFailure[] = await listeners.sync(claims.targets);
    for (const c of claims.conflicts)
      failures.push({ hostPort: c.hostPort, service: c.service, error: `port ${c.hostPort} on 127.0.0.1 is taken by Service ${c.holder}` });
    for (const c of claims.outOfRange)
      failures.push({
        hostPort: c.hostPort,
        service: c.service,
        error: `port ${c.hostPort} is outside this cluster's LoadBalancer port range ${formatPortRange(range)} (skiff start --lb-port-range)`,
        final: true,
      });
    const now = new Map(failures.map((f) => [`${f.service}|${f.hostPort}`, f.error]));
    for (const f of failures) {
      const k = `${f.service}|${f.hostPort}`;
      if (failing.get(k) === f.error) continue;
      const svc = byId(f.service);
      if (svc)
        events.event(
          svc,
          'Warning',
          'HostPortUnavailable',
          `cannot listen on 127.0.0.1:${f.hostPort}: ${f.error}${f.final ? '' : `; retrying every ${Math.round((o.retryMs ?? 30_000) / 1000)} s`}`,
        );
      log(`network: ${f.service}: cannot listen on 127.0.0.1:${f.hostPort}: ${f.error}`);
    }
    failing.clear();
    for (const [k, v] of now) failing.set(k, v);
    if (retry) clearTimeout(retry);
    retry =
      failures.some((f) => !f.final) && !stopped
        ? setTimeout(() => {
            retry = undefined;
            schedule(0);
          }, o.retryMs ?? 30_000)
        : undefined;
    retry?.unref();
    // LoadBalancer ingress: 127.0.0.1 once every port of the Service listens on the host.
    const bound = new Set(listeners.bound());
    for (const svc of svcs) {
      if (svc.spec?.type !== 'LoadBalancer' && svc.status?.loadBalancer?.ingress?.length)
        claims.loadBalancers.set(`${svc.metadata.namespace}/${svc.metadata.name}`, []);
    }
    for (const [id, ports] of claims.loadBalancers) {
      const svc = byId(id);
      if (!svc) continue;
      const mine = svc.spec?.type === 'LoadBalancer' && ports.every((p) => bound.has(p) && claims.targets.get(p)?.service === id);
      const want = mine ? LB_INGRESS : [];
      const have = svc.status?.loadBalancer?.ingress ?? [];
      if (JSON.stringify(have) === JSON.stringify(want)) continue;
      const [ns, name] = id.split('/');
      await o.client
        .patch(
          R.services,
          ns,
          name,
          'merge',
          { status: { loadBalancer: want.length ? { ingress: want } : { ingress: null } } },
          { subresource: 'status' },
        )
        .catch((e) => log(`network: ${id}: status: ${e.message}`));
    }
  }

  const byId = (id: string) => {
    const [ns, name] = id.split('/');
    return services.get(ns, name);
  };

  services.addHandlers({ add: () => schedule(), update: () => schedule(), delete: () => schedule() });
  slices.addHandlers({ add: () => schedule(), update: () => schedule(), delete: () => schedule() });

  async function waitSynced(timeoutMs: number) {
    const l = await agent;
    await informersReady;
    await policy.synced(); // its agent script rides on the table pushed next
    schedule(0);
    // The table for what is known now is pushed within the debounce; wait for that version.
    await new Promise((r) => setTimeout(r, debounceMs + 20));
    await syncing;
    await l.applied(version, timeoutMs);
  }

  return {
    ready: (timeoutMs = 120_000) => waitSynced(timeoutMs),
    synced: (timeoutMs = 30_000) => waitSynced(timeoutMs),
    async serviceEnv(pod) {
      await Promise.race([informersReady, new Promise((r) => setTimeout(r, 5000).unref())]);
      return serviceEnv(services.list(), pod);
    },
    hostPorts: () => listeners.bound(),
    dial: (ip, port) => (link ? link.dial(ip, port) : Promise.reject(new Error('the network agent is not running yet'))),
    failed: () => failed,
    serviceProxy: () => link?.proxyMode(),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      services.stop();
      slices.stop();
      podRoutes?.stop();
      await policy.stop();
      listeners.close();
      await agent.then(
        (l) => l.close(),
        () => {},
      );
      link?.close();
      await events.flush().catch(() => {});
    },
  };
}
