// Starts a local cluster's control plane from its data dir: (Docker network) -> PKI -> store ->
// API server -> nodes, scheduler, controllers (and Service networking) -> kubeconfig, reporting
// each step with its duration. A Docker-backed cluster's network comes first: its upper half is
// the API server's Service CIDR. Dependencies are injectable so tests can fake the heavy parts.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import { UnavailableError, type Store } from '../store/types';
import type { ApiServerOptions, ApiServer } from '../apiserver/server';
import type { ClusterComponents, NodeRuntime } from './components';
import type { AddressPlan } from '../network/address-plan';
import { loadOrCreatePki, PKI_FILES } from '../pki/load-or-create-pki';
import { writePrivateFile } from '../pki/private-file';
import { ADMIN_GROUPS, ADMIN_USER } from '../pki/types';
import { clusterPaths } from './paths';
import { publishClusterInfo } from './cluster-info';
import {
  auditPolicySetting,
  readClusterConfig,
  updateClusterConfig,
  writeClusterConfig,
  type ClusterConfig,
  type Datastore,
  type PodSecurityLevel,
} from './cluster-config';
import { buildKubeconfigEntries, kubeconfigYaml, type KubeconfigEntries } from './kubeconfig';
import { SkiffError, dataDirError, errorCode } from './errors';
import { etcdPrefix } from './wipe-etcd';
import { loadClusterRef } from './cluster-id';
import type { ClusterRef } from '../docker/names';
import type { HostFacts } from '../kubelet/docker/node-info';
import { noTrace, type StartTrace } from './start-trace';
import type { LeaderElectionTimings } from '../client/leader-election';

export const DEFAULT_ETCD_ENDPOINTS = ['http://127.0.0.1:2379'];

export type StoreOpenOptions = { kind: 'sqlite'; path: string } | { kind: 'etcd'; endpoints: string[]; prefix?: string };

export interface ControlPlaneDeps {
  openStore(opts: StoreOpenOptions): Promise<Store>;
  startApiServer(opts: ApiServerOptions): Promise<Pick<ApiServer, 'port' | 'url' | 'close'> & Partial<Pick<ApiServer, 'core'>>>;
  /** Creates or finds the cluster's Docker network (absent: no Docker network step, as in unit tests). */
  prepareNetwork?(cluster: ClusterRef, preferredSubnet: string | undefined, log: (line: string) => void): Promise<AddressPlan>;
  /** Starts loading the modules the start needs later (`newPki`: the PKI is to be made). */
  preload?(newPki: boolean): void;
}

export interface ControlPlaneOptions {
  name: string;
  dataDir: string;
  /** Default: the port in cluster.json, else 0 (any free port, then kept). */
  port?: number;
  /** Default: the datastore in cluster.json, else sqlite. Changing it for an existing cluster is refused. */
  datastore?: Datastore;
  etcdEndpoints?: string[];
  /** Nodes to run (missing ones are created; default 1). */
  nodes?: number;
  nodeRuntime?: NodeRuntime;
  /** The ingress's HTTP port on 127.0.0.1 (0: any free port). Default: the one in cluster.json, else 80, else 8080–8099, else any. */
  ingressPort?: number;
  /** The ingress's HTTPS port on 127.0.0.1 (0: any). Default: cluster.json's, else 443, else 8443–8462, else any. */
  ingressHttpsPort?: number;
  /** Pod sandbox image for Docker nodes (default: Skiff's own skiff/pause, built locally). */
  sandboxImage?: string;
  /** Pod Security for namespaces without labels (default: the one in cluster.json, else baseline). */
  podSecurity?: PodSecurityLevel;
  /** Host ports LoadBalancer Services may take, "low-high" (default: cluster.json's, else 1025-65535). */
  lbPortRange?: string;
  /** The audit policy: a Policy file, "default" or "none" (default: cluster.json's, else none). */
  auditPolicy?: string;
  /** Another instance's pki dir: its CA, service-account key and admin credentials are copied here first (HA). */
  pkiFrom?: string;
  /** etcd only: leader election timings (default: cluster.json's, else upstream's 15 s / 10 s / 2 s). */
  leaderElection?: Partial<LeaderElectionTimings>;
  /** An address of this machine the API server also listens on, for joining nodes (default: cluster.json's; 127.0.0.1: loopback only). */
  advertiseAddress?: string;
  onStep?: (step: string, detail?: string) => void;
  log?: (line: string) => void;
  /** Times each phase of the start (SKIFF_TRACE=start). */
  trace?: StartTrace;
  deps?: ControlPlaneDeps;
}

export interface ControlPlane {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfig: KubeconfigEntries;
  config: ClusterConfig;
  /** In-process client of the running cluster (when components run). */
  client?: import('../client/types').KubeClient;
  /** Service networking of a Docker-backed cluster (ready() waits for the network agent). */
  network?: import('../network/network-controller').NetworkController;
  /** The ingress's HTTP port on 127.0.0.1, when it listens. */
  ingressPort?: number;
  /** The built-in ingress controller (Docker-backed clusters); `tlsListening` gives the HTTPS port. */
  ingress?: import('../network/ingress/ingress-controller').IngressController;
  /** etcd: this instance's Lease holder identity and its elections for the scheduler and the controllers. */
  instance?: { identity: string; leaders?: ClusterComponents['leaders'] };
  stop(): Promise<void>;
}

const defaultDeps: ControlPlaneDeps = {
  // Imported on demand so `skiff status` and friends never pay for loading the server.
  // SQLite loads its backend alone: the etcd client takes ~0.4 s to import, a third of the start budget.
  openStore: async (o) =>
    o.kind === 'sqlite'
      ? (await import('../store/sqlite-store')).openSqliteStore({ path: o.path })
      : (await import('../store/open-store')).openStore(o),
  startApiServer: async (o) => (await import('../apiserver/server')).startApiServer(o),
  prepareNetwork: async (cluster, preferredSubnet, log) => {
    const { Docker } = await import('../docker/dockerode');
    const { prepareClusterNetwork } = await import('../docker/network');
    const { planFromSubnet } = await import('../network/address-plan');
    const info = await prepareClusterNetwork(new Docker(), cluster, preferredSubnet).catch((err) => {
      throw new SkiffError(
        `cannot create the cluster's Docker network (${firstLine(err)})`,
        'check that Docker is healthy (docker network ls), or pass --node-runtime simulated',
      );
    });
    if (!info.ipRange)
      log(
        `network: ${info.name} predates Service networking (no --ip-range) and has containers; Service IPs share its subnet until the cluster is deleted and re-created`,
      );
    return planFromSubnet(info.subnet);
  },
  // While Docker answers (and creates the network), this thread would idle: the modules the
  // start needs next are loaded and evaluated then instead of one after the other later.
  preload: (newPki) => {
    const later = [
      import('../apiserver/server'),
      import('./components'),
      import('../kubelet/index'),
      import('../kubelet/docker/docker-runtime'),
      ...(newPki ? [import('../pki/create-pki')] : []),
    ];
    for (const p of later) p.catch(() => {}); // a failure is met where the module is used
  },
};

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const deps = opts.deps ?? defaultDeps;
  const paths = clusterPaths(opts.dataDir, opts.name);
  const step = timer(opts.onStep);
  const trace = opts.trace ?? noTrace;

  const saved = readClusterConfig(paths.config);
  if (saved && opts.datastore && opts.datastore !== saved.datastore) {
    throw new SkiffError(
      `cluster "${opts.name}" keeps its data in ${saved.datastore}, not ${opts.datastore}`,
      `drop --datastore, or delete the cluster first (skiff delete --name ${opts.name})`,
    );
  }
  const datastore = opts.datastore ?? saved?.datastore ?? 'sqlite';
  const etcdEndpoints = datastore === 'etcd' ? (opts.etcdEndpoints ?? saved?.etcdEndpoints ?? DEFAULT_ETCD_ENDPOINTS) : undefined;
  const wantedPort = opts.port ?? saved?.port ?? 0;
  const podSecurity = opts.podSecurity ?? saved?.podSecurity ?? 'baseline';
  const lbPortRange = opts.lbPortRange ?? saved?.lbPortRange;
  const auditSetting = opts.auditPolicy ? auditPolicySetting(opts.auditPolicy) : saved?.auditPolicy;
  // Read before anything starts: a bad policy file stops the start with its problem. Loaded
  // only when asked for, like the server itself.
  const audit = auditSetting && auditSetting !== 'none' ? await import('./audit-log') : undefined;
  const auditPolicy = audit?.loadAuditPolicy(auditSetting!);
  const leaderElection = opts.leaderElection ?? saved?.leaderElection;
  const advertised = opts.advertiseAddress ?? saved?.advertiseAddress;
  const advertiseAddress = advertised && advertised !== '127.0.0.1' ? advertised : undefined;
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    dataDirError(err, opts.dataDir);
  }
  let ref: ClusterRef;
  try {
    ref = loadClusterRef(paths.dir, opts.name, { create: true });
  } catch (err) {
    if (err instanceof SkiffError) throw err;
    dataDirError(err, paths.dir);
  }

  // Docker-backed: the network before the API server, whose Service CIDR is its upper half.
  const nodes = opts.nodes ?? 1;
  const log = opts.log ?? (() => {});
  let nodeRuntime: NodeRuntime | undefined;
  let plan: AddressPlan | undefined;
  let hostFacts: Promise<HostFacts | undefined> | undefined;
  if (deps.prepareNetwork && nodes > 0) {
    const { chooseNodeRuntime } = await import('./node-runtime');
    nodeRuntime = await trace.span('docker reachable', () => chooseNodeRuntime(opts.nodeRuntime, log));
    if (nodeRuntime === 'docker') {
      // The node's first status needs docker info/version, which wait behind container starts:
      // read them now, while the engine is idle, instead of once the network agent is starting.
      hostFacts = readHostFacts();
      const prepareNetwork = deps.prepareNetwork.bind(deps);
      const network = trace.span('docker network', () => prepareNetwork(ref, saved?.podCIDR?.replace(/\/17$/, '/16'), log));
      // Loads while Docker works. Not before the reachability check: loading blocks this thread,
      // and that check has a deadline.
      deps.preload?.(!existsSync(join(paths.pki, PKI_FILES.caCert)));
      plan = await network;
      step('network', `pods ${plan.podRange}, services ${plan.serviceCIDR}, dns ${plan.dnsIP}`);
    }
  }
  const { DEFAULT_SERVICE_CIDR } = await import('../network/address-plan');
  const { wellKnownServiceIP } = await import('../apimachinery/ip-cidr');
  const serviceCIDR = plan?.serviceCIDR ?? saved?.serviceCIDR ?? DEFAULT_SERVICE_CIDR;

  if (opts.pkiFrom) {
    const { adoptSharedPki } = await import('../pki/share-pki');
    try {
      const how = adoptSharedPki(opts.pkiFrom, paths.pki);
      step(
        'pki',
        how === 'copied' ? `CA, service-account key and admin credentials copied from ${opts.pkiFrom}` : `same CA as ${opts.pkiFrom}`,
      );
    } catch (err) {
      throw new SkiffError(
        `cannot share the PKI of ${opts.pkiFrom}: ${firstLine(err)}`,
        "pass the first instance's <data-dir>/<name>/pki, or start this instance with a new --data-dir",
      );
    }
  }
  // The serving cert also names the `kubernetes` Service's IP, which pods dial (reissued when missing).
  const pki = await trace.span('pki', () =>
    loadOrCreatePki(paths.pki, {
      extraIPs: [wellKnownServiceIP(serviceCIDR, 'kubernetes'), ...(advertiseAddress ? [advertiseAddress] : [])],
    }).catch((err) => dataDirError(err, paths.pki)),
  );
  step('pki', paths.pki);

  const store = await trace.span('store open', () =>
    deps
      .openStore(
        etcdEndpoints ? { kind: 'etcd', endpoints: etcdEndpoints, prefix: etcdPrefix(opts.name) } : { kind: 'sqlite', path: paths.db },
      )
      .catch((err) => storeError(err, paths.db, etcdEndpoints)),
  );
  step('store', etcdEndpoints ? `etcd ${etcdEndpoints.join(',')}` : `sqlite ${paths.db}`);

  const auditFile =
    audit && auditPolicy
      ? audit.openAuditFile(audit.auditLogPath(paths.dir), {
          onError: (e) => log(`audit: cannot write ${audit.auditLogPath(paths.dir)}: ${e.message}`),
        })
      : undefined;
  let server: Awaited<ReturnType<ControlPlaneDeps['startApiServer']>>;
  try {
    const podSecurityConfig = (await import('../apiserver/admission/pod-security/config')).podSecurityConfig;
    const auditor =
      auditPolicy && auditFile ? (await import('../apiserver/audit/auditor')).createAuditor(auditPolicy, auditFile) : undefined;
    server = await trace.span('apiserver', () =>
      deps.startApiServer({
        store,
        host: '127.0.0.1',
        extraHosts: advertiseAddress ? [advertiseAddress] : undefined,
        port: wantedPort,
        tls: { cert: pki.serverCert, key: pki.serverKey, clientCA: pki.caCert },
        tokens: { [pki.adminToken]: { user: ADMIN_USER, groups: ADMIN_GROUPS } },
        serviceAccountKey: pki.serviceAccountKey,
        serviceAccountVerifyKeys: pki.serviceAccountVerifyKeys,
        serviceCIDR,
        podSecurity: podSecurityConfig(podSecurity, exemptionsOf(saved?.podSecurityExemptions)),
        log: opts.log,
        trace: trace.enabled ? (phase, work) => trace.span(`apiserver: ${phase}`, work) : undefined,
        ...(auditor ? { auditor } : {}),
      }),
    );
  } catch (err) {
    await auditFile?.close();
    await store.close().catch(() => {});
    if (errorCode(err) === 'EADDRNOTAVAIL' && advertiseAddress) {
      throw new SkiffError(
        `cannot listen on ${advertiseAddress}: no network interface of this machine has that address`,
        'pass an address this machine has (ip -4 addr), or drop --advertise-address',
      );
    }
    if (errorCode(err) === 'EADDRINUSE') {
      throw new SkiffError(
        `port ${wantedPort} on 127.0.0.1 is already in use`,
        'stop what listens there, or pass --port N (0 picks a free port)',
      );
    }
    throw err;
  }
  step('apiserver', server.url);
  // `skiff sa-key rotate|retire` applies to this running server (no restart).
  const keyWatch = server.core
    ? (await import('../pki/sa-key-watch')).watchSigningKeys({ pkiDir: pki.dir, tokens: server.core.serviceAccountTokens, log })
    : undefined;
  if (advertiseAddress)
    step(
      'advertise',
      `WARNING: the API server also listens on https://${advertiseAddress}:${server.port}, reachable by every machine on that network (each request still needs credentials); start with --advertise-address 127.0.0.1 to listen on loopback only`,
    );

  let components: ClusterComponents | undefined;
  let instanceIdentity: string | undefined;
  if (server.core) {
    try {
      const core = server.core;
      await trace.span('rehome services', () => rehomeServices(core, store, serviceCIDR, log));
      const { startClusterComponents } = await import('./components');
      const { chooseNodeRuntime } = await import('./node-runtime');
      nodeRuntime ??= nodes > 0 ? await chooseNodeRuntime(opts.nodeRuntime, log) : 'simulated';
      // Over etcd several instances may run: the Lease holder and node owner identity is this
      // host and cluster dir (one process per dir, by its pid file), so a restarted instance — or
      // one re-created there after a restore — takes its own Leases and nodes back at once.
      if (etcdEndpoints) instanceIdentity = `${hostname()}_${createHash('sha256').update(paths.dir).digest('hex').slice(0, 12)}`;
      components = await startClusterComponents({
        ...(instanceIdentity ? { instance: { identity: instanceIdentity, leaderElection } } : {}),
        core: server.core,
        clusterName: opts.name,
        clusterRef: ref,
        nodes,
        nodeRuntime,
        dataDir: paths.dir,
        log: opts.log,
        trace,
        hostFacts,
        sandboxImage: opts.sandboxImage,
        network: nodeRuntime === 'docker' ? plan : undefined,
        apiServerPort: server.port,
        advertiseAddress,
        lbPortRange,
        ingressPort: opts.ingressPort ?? saved?.ingressPort,
        ingressHttpsPort: opts.ingressHttpsPort ?? saved?.ingressHttpsPort,
        caKey: pki.caKey,
        ingressClassAliases: Array.isArray(saved?.ingressClassAliases)
          ? saved.ingressClassAliases.filter((a): a is string => typeof a === 'string')
          : undefined,
      });
      // What a joining machine reads first (kubeadm's cluster-info), with the address it can reach.
      await publishClusterInfo(components.client, `https://${advertiseAddress ?? '127.0.0.1'}:${server.port}`, pki.caCert);
      step(
        'nodes',
        `${nodes} ${nodeRuntime} node(s), scheduler, controllers${components.network ? ', service networking' : ''}${components.ingressPort ? `, ingress on http://127.0.0.1:${components.ingressPort}` : ''}`,
      );
    } catch (err) {
      keyWatch?.stop();
      await server.close().catch(() => {});
      await store.close().catch(() => {});
      throw err;
    }
  }

  // SQLite's file is locked while we run: `skiff snapshot save` asks this process for the copy.
  let control: { close(): void } | undefined;
  if (!etcdEndpoints && store.snapshot) {
    const { startControlSocket } = await import('./control-socket');
    control = await startControlSocket(paths.control, { snapshot: (f) => store.snapshot!(f) }).catch((err) => {
      log(`snapshot: no control socket at ${paths.control} (${firstLine(err)}); skiff snapshot save needs the cluster stopped`);
      return undefined;
    });
  }

  const entries = buildKubeconfigEntries(opts.name, server.url, pki);
  const config: ClusterConfig = {
    name: opts.name,
    port: server.port,
    datastore,
    ...(etcdEndpoints ? { etcdEndpoints } : {}),
    created: saved?.created ?? new Date().toISOString(),
    ...(saved?.kubeconfigs ? { kubeconfigs: saved.kubeconfigs } : {}),
    ...((plan ?? saved?.podCIDR) ? { podCIDR: plan?.podRange ?? saved?.podCIDR } : {}),
    ...(server.core || saved?.serviceCIDR ? { serviceCIDR } : {}),
    ...(podSecurity !== 'baseline' ? { podSecurity } : {}),
    ...(lbPortRange ? { lbPortRange } : {}),
    ...(auditSetting && auditSetting !== 'none' ? { auditPolicy: auditSetting } : {}),
    ...(leaderElection ? { leaderElection } : {}),
    ...(advertiseAddress ? { advertiseAddress } : {}),
    ...(saved?.podSecurityExemptions ? { podSecurityExemptions: saved.podSecurityExemptions } : {}),
    ...((components?.ingressPort ?? saved?.ingressPort) ? { ingressPort: components?.ingressPort ?? saved?.ingressPort } : {}),
    ...(saved?.ingressHttpsPort ? { ingressHttpsPort: saved.ingressHttpsPort } : {}),
    ...(saved?.ingressClassAliases ? { ingressClassAliases: saved.ingressClassAliases } : {}),
  };
  try {
    if (JSON.stringify(config) !== JSON.stringify(saved)) writeClusterConfig(paths.config, config);
    writePrivateFile(paths.kubeconfig, kubeconfigYaml(entries));
    trace.mark('kubeconfig written');
  } catch (err) {
    keyWatch?.stop();
    await server.close().catch(() => {});
    await store.close().catch(() => {});
    dataDirError(err, paths.dir);
  }
  step('kubeconfig', paths.kubeconfig);
  // The HTTPS port is known once the localhost CA is loaded (after the start): recorded then.
  void components?.ingress?.tlsListening.then((p) => {
    if (p && p !== config.ingressHttpsPort) {
      config.ingressHttpsPort = p;
      try {
        updateClusterConfig(paths.config, (c) => ({ ...c, ingressHttpsPort: p }));
      } catch (err) {
        log(`ingress: cannot record the HTTPS port in ${paths.config}: ${firstLine(err)}`);
      }
    }
  });

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    kubeconfigPath: paths.kubeconfig,
    kubeconfig: entries,
    config,
    client: components?.client,
    network: components?.network,
    ingressPort: components?.ingressPort,
    ingress: components?.ingress,
    ...(instanceIdentity ? { instance: { identity: instanceIdentity, leaders: components?.leaders } } : {}),
    // API server first so no request sees a closed store; idempotent.
    stop: () =>
      (stopping ??= (async () => {
        try {
          control?.close();
          keyWatch?.stop();
          await components?.stop();
          await server.close();
        } finally {
          await auditFile?.close();
          await store.close();
        }
      })()),
  };
}

/**
 * Services whose ClusterIP lies outside the Service CIDR (the cluster moved to its Docker
 * network's upper half) get a new IP in it, written straight to the store: `kubernetes` takes the
 * first, kube-dns the tenth. Pods keep the old IPs in their env until they restart; DNS names
 * follow at once.
 */
async function rehomeServices(
  core: NonNullable<Awaited<ReturnType<ControlPlaneDeps['startApiServer']>>['core']>,
  store: Store,
  serviceCIDR: string,
  log: (line: string) => void,
) {
  const { migrateServiceIPs } = await import('../apiserver/service-allocation');
  const { wellKnownServiceIP } = await import('../apimachinery/ip-cidr');
  const { objectKey } = await import('../apiserver/storage-keys');
  const moved = await migrateServiceIPs({
    store,
    allocation: core.services,
    services: (await core.resources.list(core.serviceDef, undefined)).items,
    keyOf: (s) => objectKey(core.serviceDef, s.metadata.namespace, s.metadata.name!),
    preferred: {
      'default/kubernetes': wellKnownServiceIP(serviceCIDR, 'kubernetes'),
      'kube-system/kube-dns': wellKnownServiceIP(serviceCIDR, 'dns'),
    },
  });
  for (const m of moved) log(`services: ${m.service} moved from ${m.from} to ${m.to} (Service CIDR ${serviceCIDR})`);
}

/** The Docker host's facts for the node status; undefined when Docker does not answer (the kubelet asks again). */
async function readHostFacts(): Promise<HostFacts | undefined> {
  try {
    const [{ Docker }, { dockerHostFacts }] = await Promise.all([import('../docker/dockerode'), import('../kubelet/docker/node-info')]);
    return await dockerHostFacts(new Docker());
  } catch {
    return undefined;
  }
}

function storeError(err: unknown, dbPath: string, etcdEndpoints: string[] | undefined): never {
  const reason = errorCode(err) ?? firstLine(err);
  if (etcdEndpoints) {
    if (err instanceof UnavailableError || (err as Error)?.name === 'UnavailableError') {
      throw new SkiffError(`cannot reach etcd at ${etcdEndpoints.join(',')}`, 'start etcd there, or pass --etcd-endpoints URL[,URL]');
    }
    throw new SkiffError(
      `cannot open the etcd store at ${etcdEndpoints.join(',')} (${reason})`,
      'check that etcd is healthy and --etcd-endpoints is right',
    );
  }
  throw new SkiffError(
    `cannot open the sqlite store ${dbPath} (${reason})`,
    'fix the data dir permissions, or choose another with --data-dir DIR',
  );
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

// Reports each step with the time since the previous one.
function timer(onStep: ControlPlaneOptions['onStep']) {
  let last = performance.now();
  return (name: string, detail: string) => {
    const now = performance.now();
    onStep?.(name, `${detail} (${Math.round(now - last)} ms)`);
    last = now;
  };
}

/** Hand-edited exemption lists from cluster.json: lists of strings only (anything else is ignored). */
function exemptionsOf(e: ClusterConfig['podSecurityExemptions']) {
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);
  return e && typeof e === 'object'
    ? { usernames: strings(e.usernames), namespaces: strings(e.namespaces), runtimeClasses: strings(e.runtimeClasses) }
    : {};
}
