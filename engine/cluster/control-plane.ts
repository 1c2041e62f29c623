// Starts a local cluster's control plane from its data dir: (Docker network) -> PKI -> store ->
// API server -> nodes, scheduler, controllers (and Service networking) -> kubeconfig, reporting
// each step with its duration. A Docker-backed cluster's network comes first: its upper half is
// the API server's Service CIDR. Dependencies are injectable so tests can fake the heavy parts
// (control-plane-types.ts; the real ones in control-plane-deps.ts).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import type { ClusterComponents, NodeRuntime } from './components';
import type { AddressPlan } from '../network/address-plan';
import { loadOrCreatePki, PKI_FILES } from '../pki/load-or-create-pki';
import { writePrivateFile } from '../pki/private-file';
import { ADMIN_GROUPS, ADMIN_USER } from '../pki/types';
import { clusterPaths } from './paths';
import { publishClusterInfo } from './cluster-info';
import { readClusterConfig, updateClusterConfig, writeClusterConfig } from './cluster-config';
import { SkiffError, dataDirError, errorCode, firstLine, storeError } from './errors';
import { etcdPrefix } from './wipe-etcd';
import { loadClusterRef } from './cluster-id';
import type { ClusterRef } from '../docker/names';
import type { HostFacts } from '../kubelet/docker/node-info';
import { noTrace } from './start-trace';
import type { ControlPlane, ControlPlaneOptions, StartedApiServer } from './control-plane-types';
import type { KubeconfigEntries } from './kubeconfig';
import { defaultControlPlaneDeps, readHostFacts } from './control-plane-deps';
import { configToRecord, exemptionsOf, resolveSettings } from './control-plane-settings';
import { rehomeServices } from './service-rehome';

export type { ControlPlane, ControlPlaneDeps, ControlPlaneOptions, StoreOpenOptions } from './control-plane-types';

/** Another network took the subnet the API server started with: the start is made again with this one. */
class SubnetTaken extends Error {
  constructor(readonly subnet: string) {
    super(`the cluster network got ${subnet}`);
  }
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  try {
    return await startOnce(opts);
  } catch (err) {
    if (!(err instanceof SubnetTaken)) throw err;
    opts.log?.(`network: another network took the subnet this start expected; starting again on ${err.subnet}`);
    return startOnce(opts, err.subnet);
  }
}

async function startOnce(opts: ControlPlaneOptions, subnetTaken?: string): Promise<ControlPlane> {
  const deps = opts.deps ?? defaultControlPlaneDeps;
  const paths = clusterPaths(opts.dataDir, opts.name);
  const step = timer(opts.onStep);
  const trace = opts.trace ?? noTrace;
  // Work the start does not wait for begins once it returns, unless the caller says when.
  let returned: (() => void) | undefined;
  const backgroundAfter = opts.backgroundAfter ?? new Promise<void>((resolve) => (returned = resolve));

  const saved = readClusterConfig(paths.config);
  const settings = resolveSettings(opts, saved);
  const { etcdEndpoints, wantedPort, podSecurity, lbPortRange, auditSetting, leaderElection, advertiseAddress } = settings;
  // Read before anything starts: a bad policy file stops the start with its problem. Loaded
  // only when asked for, like the server itself.
  const audit = auditSetting && auditSetting !== 'none' ? await import('./audit-log') : undefined;
  const auditPolicy = audit?.loadAuditPolicy(auditSetting!);
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

  // Docker-backed: the API server's Service CIDR is the upper half of the cluster's network. Its
  // subnet is known up front (cluster.json's, or a free one from one look at Docker's networks),
  // so the API server starts while Docker creates or checks the network.
  const nodes = opts.nodes ?? 1;
  const log = opts.log ?? (() => {});
  let nodeRuntime: NodeRuntime | undefined;
  let plan: AddressPlan | undefined;
  let network: Promise<AddressPlan> | undefined;
  let hostFacts: Promise<HostFacts | undefined> | undefined;
  const { DEFAULT_SERVICE_CIDR, planFromSubnet } = await import('../network/address-plan');
  if (deps.prepareNetwork && nodes > 0) {
    const { chooseNodeRuntime } = await import('./node-runtime');
    nodeRuntime = await trace.span('docker reachable', () => chooseNodeRuntime(opts.nodeRuntime, log));
    if (nodeRuntime === 'docker') {
      // The node's first status needs docker info/version, which wait behind container starts:
      // read them now, while the engine is idle, instead of once the network agent is starting.
      hostFacts = readHostFacts();
      const prepareNetwork = deps.prepareNetwork.bind(deps);
      const guessSubnet = deps.guessSubnet?.bind(deps);
      const preferred = subnetTaken ?? saved?.podCIDR?.replace(/\/17$/, '/16');
      const subnet = preferred ?? (guessSubnet && (await trace.span('docker subnet', () => guessSubnet(ref, undefined))));
      network = trace.span('docker network', () => prepareNetwork(ref, subnet, log));
      network.catch(() => {}); // met below, once the API server runs
      // Loads while Docker works. Not before the reachability check: loading blocks this thread,
      // and that check has a deadline.
      deps.preload?.(!existsSync(join(paths.pki, PKI_FILES.caCert)));
      plan = subnet ? planOrUndefined(planFromSubnet, subnet) : undefined;
      if (!plan) plan = await network;
    }
  }
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
  // Over etcd every instance signs with the one shared key set (rotated cluster-wide), not its own files.
  const sharedKeys = etcdEndpoints
    ? await (await import('./sa-key-store')).loadSharedSigningKeys(store, pki.dir).catch(async (err) => {
        await store.close().catch(() => {});
        return storeError(err, paths.db, etcdEndpoints);
      })
    : undefined;

  const auditFile =
    audit && auditPolicy
      ? audit.openAuditFile(audit.auditLogPath(paths.dir), {
          onError: (e) => log(`audit: cannot write ${audit.auditLogPath(paths.dir)}: ${e.message}`),
        })
      : undefined;
  let server: StartedApiServer;
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
        serviceAccountKey: sharedKeys?.set.signingKey ?? pki.serviceAccountKey,
        serviceAccountVerifyKeys: sharedKeys ? sharedKeys.set.previous.map((k) => k.publicKey) : pki.serviceAccountVerifyKeys,
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
  if (network && plan) {
    let made: AddressPlan;
    try {
      made = await network;
    } catch (err) {
      await server.close().catch(() => {});
      await auditFile?.close();
      await store.close().catch(() => {});
      throw err;
    }
    step('network', `pods ${made.podRange}, services ${made.serviceCIDR}, dns ${made.dnsIP}`);
    if (made.serviceCIDR !== plan.serviceCIDR) {
      await server.close().catch(() => {});
      await auditFile?.close();
      await store.close().catch(() => {});
      throw new SubnetTaken(made.subnet);
    }
  }
  // The cluster's own kubeconfig as soon as the API answers: the app's proxy reads it, and shows
  // the cluster while its nodes come up.
  let entries: KubeconfigEntries;
  try {
    const { buildKubeconfigEntries, kubeconfigYaml } = await import('./kubeconfig');
    entries = buildKubeconfigEntries(opts.name, server.url, pki);
    writePrivateFile(paths.kubeconfig, kubeconfigYaml(entries));
    trace.mark('kubeconfig written');
  } catch (err) {
    await server.close().catch(() => {});
    await store.close().catch(() => {});
    dataDirError(err, paths.dir);
  }
  opts.onApiReady?.(server.url);
  // `skiff sa-key rotate|retire` applies to this running server (no restart).
  const keyWatch = !server.core
    ? undefined
    : sharedKeys
      ? (await import('./sa-key-store')).followSharedSigningKeys({
          store,
          pkiDir: pki.dir,
          tokens: server.core.serviceAccountTokens,
          loaded: sharedKeys,
          log,
        })
      : (await import('../pki/sa-key-watch')).watchSigningKeys({ pkiDir: pki.dir, tokens: server.core.serviceAccountTokens, log });
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
        backgroundAfter,
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
      const client = components.client;
      await trace.span('cluster info', () =>
        publishClusterInfo(client, `https://${advertiseAddress ?? '127.0.0.1'}:${server.port}`, pki.caCert),
      );
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

  const config = configToRecord(
    settings,
    {
      name: opts.name,
      port: server.port,
      serviceCIDR,
      hasCore: Boolean(server.core),
      podRange: plan?.podRange,
      ingressPort: components?.ingressPort,
    },
    saved,
  );
  try {
    if (JSON.stringify(config) !== JSON.stringify(saved)) writeClusterConfig(paths.config, config);
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
  returned?.();
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

/** The plan of a subnet, or undefined when it is not one (the network's own answer then says why). */
function planOrUndefined(planFromSubnet: (subnet: string) => AddressPlan, subnet: string): AddressPlan | undefined {
  try {
    return planFromSubnet(subnet);
  } catch {
    return undefined;
  }
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
