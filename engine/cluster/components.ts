// The cluster's moving parts over an in-process client: controller manager, scheduler, and
// the node manager that runs a kubelet for each node. Started after the API server.
import { join } from 'node:path';
import type { ApiCore } from '../apiserver/api-core';
import { createInProcessClient } from '../apiserver/in-process-client';
import type { UserInfo } from '../apimachinery/user-info';
import {
  CONTROLLER_MANAGER,
  GATEWAY_CONTROLLER,
  INGRESS_CONTROLLER,
  NETWORK_AGENT,
  NODE_MANAGER,
  SCHEDULER,
  nodeUser,
  serviceAccountUser,
} from '../apiserver/authz/users';
import { CONTROLLER_ACCOUNTS_NAMESPACE, controllerAccountNames } from '../apiserver/authz/controller-policy';
import { storedResources } from '../apiserver/stored-resources';
import { R, isStatus, type KubeClient } from '../client/types';
import type { AddressPlan } from '../network/address-plan';
import type { NetworkController } from '../network/network-controller';
import type { IngressController } from '../network/ingress/ingress-controller';
import type { GatewayController } from '../network/gateway/gateway-controller';
import type { NodeManagerOptions } from '../kubelet/index';
import type { DockerPodNetwork } from '../kubelet/docker/docker-runtime';
import type { ClusterKey, ClusterRef } from '../docker/names';
import { noTrace, traceNodesReady, traceWanted, whenNodesReady, type StartTrace } from './start-trace';
import { createPodTrace } from './pod-trace';
import type { RemoteNodeFollower } from './remote-nodes';
import type { LeaderElectionTimings } from '../client/leader-election';
import { runWhileLeading, type Fence, type LeaderRun, type Running } from '../client/leader-run';

export type NodeRuntime = 'simulated' | 'docker';

export interface ClusterComponentsOptions {
  core: ApiCore;
  clusterName: string;
  /** The cluster's identity in Docker (default: its name is its UID, as in tests). */
  clusterRef?: ClusterRef;
  /** Nodes the cluster should have (missing ones are created). */
  nodes: number;
  nodeRuntime: NodeRuntime;
  dataDir: string;
  /** Docker nodes' sandbox image (default env SKIFF_SANDBOX_IMAGE, else Skiff's own skiff/pause, built locally). */
  sandboxImage?: string;
  /** Docker-backed clusters: the address plan of the cluster network (Service networking runs). */
  network?: AddressPlan;
  /** The API server's port on 127.0.0.1 (Service networking reverse-routes only there). */
  apiServerPort?: number;
  /** Host ports LoadBalancer Services may take, "low-high" (default 1025-65535). */
  lbPortRange?: string;
  /** skiff start --advertise-address: other machines' pods are routed here (engine/network/pod-routes.ts). */
  advertiseAddress?: string;
  /** The ingress's HTTP port on 127.0.0.1 asked for (0: any); default 80, else 8080–8099, else any. */
  ingressPort?: number;
  /** The ingress's HTTPS port asked for (0: any); default 443, else 8443–8462, else any. */
  ingressHttpsPort?: number;
  /** IngressClass names served besides `skiff` (default nginx, traefik). */
  ingressClassAliases?: string[];
  /** Docker nodes: the host's facts, read ahead (see NodeManagerOptions). */
  hostFacts?: NodeManagerOptions['hostFacts'];
  /**
   * One of several control-plane instances over one etcd: `identity` names it (Lease holder and
   * node owner). The scheduler and the controllers then run only while it holds their Leases
   * (kube-system/kube-scheduler, kube-system/kube-controller-manager), and its node manager runs
   * only the nodes it owns. Absent (SQLite: one instance by construction): everything runs.
   */
  instance?: { identity: string; leaderElection?: Partial<LeaderElectionTimings> };
  /** The cluster CA's key: the CSR signer signs joining nodes' client certificates with it. */
  caKey?: string;
  log?: (line: string) => void;
  /** Times each phase of the start (SKIFF_TRACE=start). */
  trace?: StartTrace;
  /** The ingress makes its TLS certificates once this settles (or at its first HTTPS connection). */
  backgroundAfter?: Promise<unknown>;
}

export interface ClusterComponents {
  client: KubeClient;
  /** Service networking, when it runs (Docker nodes). */
  network?: NetworkController;
  /** The built-in ingress controller (Docker nodes) and its HTTP port, when it could listen. */
  ingress?: IngressController;
  ingressPort?: number;
  /** Under leader election: whether this instance leads each component, and who does. */
  leaders?: { scheduler: LeaderRun; controllerManager: LeaderRun };
  /** Stops everything; resolves once nothing more is created (the network agent's start included). */
  stop(): Promise<void>;
}

export async function startClusterComponents(opts: ClusterComponentsOptions): Promise<ClusterComponents> {
  const log = opts.log ?? (() => {});
  const trace = opts.trace ?? noTrace;
  // The composer's own client (creates nodes and add-ons, as kubeadm does) is unchecked; each
  // component acts as its own user, authorized and admitted like a request from it (issue 12).
  const client = createInProcessClient(opts.core);
  traceNodesReady(trace, client, opts.nodes);
  const as = (user: UserInfo) => createInProcessClient(opts.core, { user });
  const nodeClients = new Map<string, KubeClient>();
  const nodeClient = (name: string) => {
    let c = nodeClients.get(name);
    if (!c) nodeClients.set(name, (c = as(nodeUser(name))));
    return c;
  };
  const stops: (() => void | Promise<void>)[] = [];
  let network: NetworkController | undefined;
  let ingress: IngressController | undefined;
  let ingressPort: number | undefined;
  let leaders: ClusterComponents['leaders'];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s();
    await ingress?.stop();
    await network?.stop();
  };
  // The ingress's listeners come up beside the scheduler and controllers (they do not need it);
  // awaited before returning, as its port is reported.
  let ingressStart: Promise<number | undefined> | undefined;
  let startIngress: (() => void) | undefined;
  try {
    let podNetwork: DockerPodNetwork | undefined;
    if (opts.network && opts.nodeRuntime === 'docker') {
      const [{ startNetworkController }, { CLUSTER_DOMAIN }, { parsePortRange }] = await trace.span('import network', () =>
        Promise.all([import('../network/network-controller'), import('../network/address-plan'), import('../network/host-targets')]),
      );
      const net = startNetworkController({
        client: as(NETWORK_AGENT),
        setupClient: client,
        cluster: opts.clusterRef ?? opts.clusterName,
        clusterDir: opts.dataDir,
        plan: opts.network,
        apiServerPort: opts.apiServerPort,
        lbPortRange: opts.lbPortRange ? parsePortRange(opts.lbPortRange) : undefined,
        advertiseAddress: opts.advertiseAddress,
        log,
      });
      network = net;
      const dns = { nameserver: opts.network.dnsIP, clusterDomain: CLUSTER_DOMAIN };
      podNetwork = { dns: () => (net.failed() ? undefined : dns), serviceEnv: (pod) => net.serviceEnv(pod) };
      startIngress = () => {
        ingressStart = trace.span('ingress listening', async () => {
          const [{ startIngressController }, { startGatewayController }] = await Promise.all([
            import('../network/ingress/ingress-controller'),
            import('../network/gateway/gateway-controller'),
          ]);
          const gateway: { c?: GatewayController } = {}; // the ingress consults it; it needs the ingress's ports
          ingress = startIngressController({
            preRoute: (req, host, secure, grpc) => gateway.c?.router.route(req, host, secure, grpc),
            extraTls: () => gateway.c?.tls() ?? { hosts: new Map(), wildcards: new Map() },
            client: as(INGRESS_CONTROLLER),
            log,
            httpPort: opts.ingressPort ?? envPort(process.env.SKIFF_INGRESS_PORT),
            httpsPort: opts.ingressHttpsPort ?? envPort(process.env.SKIFF_INGRESS_HTTPS_PORT),
            pkiDir: join(opts.dataDir, 'pki'),
            aliases: opts.ingressClassAliases,
            dialMode: dialMode(process.env.SKIFF_INGRESS_DIAL),
            agentDial: (ip, port) => net.dial(ip, port),
            certificatesAfter: opts.backgroundAfter,
          });
          // The Gateway API (its CRDs and informers) and HTTPS come up off the start's critical path.
          // The composer installs its CRDs; the controller reads and writes status as its own user.
          const gw = startGatewayController({
            client: as(GATEWAY_CONTROLLER),
            setupClient: client,
            log,
            httpPort: ingress.listening.catch(() => undefined),
            httpsPort: ingress.tlsListening,
            listeners: ingress,
          });
          gateway.c = gw;
          stops.push(() => void gw.stop());
          return ingress.listening.catch(() => undefined);
        });
        ingressStart.catch(() => {}); // its failure is met when awaited below, not as an unhandled rejection
      };
    }
    const { startNodeManager, createSimulatedNodes } = await trace.span('import kubelet', () => import('../kubelet/index'));
    // Typed apart so `network` rides along: the node manager spreads these into each Docker runtime.
    // A key rotation (sa-key-watch.ts) makes every local pod's token renewed at its next refresh.
    let keysChangedAt = 0;
    opts.core.serviceAccountTokens.onKeysChanged(() => (keysChangedAt = Date.now()));
    const docker: NonNullable<NodeManagerOptions['docker']> & { network?: DockerPodNetwork } = {
      cluster: opts.clusterRef ?? opts.clusterName,
      dataDir: opts.dataDir,
      sandboxImage: opts.sandboxImage ?? process.env.SKIFF_SANDBOX_IMAGE,
      subnet: opts.network?.subnet,
      caCert: opts.core.caCert,
      token: (pod, source) => podToken(nodeClient((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? ''), pod, source),
      signingKeyChangedAt: () => keysChangedAt,
      ...(podNetwork ? { network: podNetwork } : {}),
    };
    const nodeManager = await trace.span('node manager', () =>
      startNodeManager({
        client: as(NODE_MANAGER),
        clientFor: nodeClient,
        // podCIDRs are upstream's node IPAM controller's job, which runs as node-controller.
        ipamClient: as(serviceAccountUser(CONTROLLER_ACCOUNTS_NAMESPACE, 'node-controller')),
        log,
        nodeStreams: opts.core.nodeStreams,
        docker,
        hostFacts: opts.hostFacts,
        owner: opts.instance?.identity,
        trace: trace.enabled ? (phase, work) => trace.span(`node manager: ${phase}`, work) : undefined,
        podTrace: traceWanted(process.env, 'pod') ? createPodTrace(log) : undefined,
      }),
    );
    stops.push(() => nodeManager.stop());
    let metrics = () => nodeManager.metrics();
    if (opts.caKey && opts.core.caCert) {
      const [{ watchRemoteNodes }, { startRemoteNodeUsage, mergeUsage }] = await Promise.all([
        import('./remote-nodes'),
        import('./remote-node-usage'),
      ]);
      // Joined machines' usage (kubectl top) and, with the pod network, their NetworkPolicy agents' credentials.
      const usage = startRemoteNodeUsage({ log });
      const followers: (RemoteNodeFollower & { stop(): void })[] = [usage];
      if (network && opts.network)
        followers.push(
          await policyCredentials(client, opts.network.serviceCIDR, opts.clusterRef ?? opts.clusterName, opts.advertiseAddress, log),
        );
      const remote = watchRemoteNodes({
        client,
        registry: opts.core.nodeStreams,
        caCert: opts.core.caCert,
        caKey: opts.caKey,
        log,
        followers,
      });
      stops.push(() => remote.stop());
      for (const f of followers) stops.push(() => f.stop());
      metrics = () => mergeUsage(nodeManager.metrics(), usage.usage());
    }
    opts.core.metrics.source = () => metrics(); // metrics.k8s.io (kubectl top)
    if (opts.instance) {
      const { createOwnedNodes } = await import('../kubelet/node-owner');
      const identity = opts.instance.identity;
      await trace.span('node objects', () => createOwnedNodes(client, opts.clusterName, opts.nodes, identity, opts.nodeRuntime));
    } else if (opts.nodes > 0)
      await trace.span('node objects', () => createSimulatedNodes(client, opts.clusterName, opts.nodes, 1, opts.nodeRuntime));
    // The ingress, scheduler and controllers load and start once the nodes are Ready (or a
    // moment has passed): the start is bound by this one thread, and loading them first would
    // hold back the node's first status, which is what the user waits on.
    await trace.span('nodes Ready awaited', () => whenNodesReady(client, opts.nodes, NODES_READY_WAIT_MS));
    startIngress?.();
    // The controllers' ServiceAccounts exist as upstream's do (`kubectl get sa -n kube-system`,
    // `kubectl create token`); the in-process controllers need no token, so off the start's path.
    void ensureControllerAccounts(client, log);
    const { startScheduler } = await import('../scheduler/index');
    const runScheduler = (fence: Fence = (c) => c) => startScheduler({ client: fence(as(SCHEDULER)), log });
    const runManager = async (fence: Fence = (c) => c) =>
      (await import('../controllers/manager')).startControllerManager({
        client: fence(as(CONTROLLER_MANAGER)),
        // Each controller writes as its own ServiceAccount (--use-service-account-credentials).
        clientFor: (account) => fence(as(serviceAccountUser(CONTROLLER_ACCOUNTS_NAMESPACE, account))),
        log,
        dataDir: opts.dataDir,
        metrics: () => metrics(),
        serviceAccountTokens: opts.core.serviceAccountTokens,
        caCert: opts.core.caCert,
        caKey: opts.caKey,
        // The approver's SubjectAccessReview, answered by the API server's authorizer.
        accessReview: async (spec) => {
          const answer = (await opts.core.authorization.review('SubjectAccessReview', { spec }, CONTROLLER_MANAGER, undefined)) as
            | { status?: { allowed?: boolean } }
            | undefined;
          return answer?.status?.allowed === true;
        },
        resources: storedResources(opts.core),
      });
    if (opts.instance) {
      const elect = (name: string, user: UserInfo, run: (fence: Fence) => Promise<Running>) =>
        runWhileLeading({
          client: as(user),
          name,
          identity: opts.instance!.identity,
          timings: opts.instance!.leaderElection,
          run,
          log,
        });
      leaders = {
        scheduler: elect('kube-scheduler', SCHEDULER, runScheduler),
        controllerManager: elect('kube-controller-manager', CONTROLLER_MANAGER, runManager),
      };
      const l = leaders;
      stops.push(() => l.scheduler.stop());
      stops.push(() => l.controllerManager.stop());
    } else {
      const scheduler = await trace.span('scheduler', () => runScheduler());
      stops.push(() => scheduler.stop());
      const manager = await trace.span('controller manager', () => runManager());
      stops.push(() => manager.stop());
    }
    ingressPort = await trace.span('ingress awaited', async () => ingressStart && (await ingressStart));
  } catch (err) {
    // A failed start stops the ingress too, once it has got far enough to be stopped.
    await ingressStart?.catch(() => {});
    await stopAll().catch(() => {});
    throw err;
  }
  return { client, network, ingress, ingressPort, leaders, stop: stopAll };
}

/** How long the start holds the rest back for the nodes' first Ready (a node that cannot be Ready must not stall it). */
const NODES_READY_WAIT_MS = 1_500;

async function ensureControllerAccounts(client: KubeClient, log: (line: string) => void) {
  try {
    const ns = CONTROLLER_ACCOUNTS_NAMESPACE;
    const have = new Set((await client.list(R.serviceaccounts, ns)).items.map((a) => a.metadata.name));
    for (const name of controllerAccountNames().filter((n) => !have.has(n)))
      await client
        .create(R.serviceaccounts, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } })
        .catch((e) => {
          if (!isStatus(e, 409)) throw e;
        });
  } catch (e) {
    log(`controller service accounts: ${(e as Error).message}`);
  }
}

/** Hands joined machines' NetworkPolicy agents their token (joined-policy-credentials.ts). */
async function policyCredentials(
  client: KubeClient,
  serviceCIDR: string,
  cluster: ClusterKey,
  advertiseAddress: string | undefined,
  log: (line: string) => void,
) {
  const [{ startJoinedPolicyCredentials }, { hostPolicyTarget }, { Docker }] = await Promise.all([
    import('./joined-policy-credentials'),
    import('../network/policy/policy-host'),
    import('../docker/dockerode'),
  ]);
  const docker = new Docker();
  return startJoinedPolicyCredentials({
    client,
    serviceCIDR,
    agentAddress: () =>
      hostPolicyTarget(docker, cluster).then(
        (t) => t.agentIP,
        () => undefined,
      ),
    advertiseAddress,
    log,
  });
}

/** SKIFF_INGRESS_PORT / SKIFF_INGRESS_HTTPS_PORT: ports when neither a flag nor cluster.json names one (0: any; the test runner sets 0). */
const envPort = (v: string | undefined) => (v && /^\d{1,5}$/.test(v) && +v <= 65535 ? +v : undefined);

/** SKIFF_INGRESS_DIAL=direct|agent forces how the ingress reaches pods (tests; default auto). */
const dialMode = (v: string | undefined) => (v === 'direct' || v === 'agent' ? v : 'auto');

/** A token for a pod's projected volume: TokenRequest bound to the pod, as the kubelet asks
 *  (the kubelet renews it at 80 % of its life, engine/kubelet/docker/pod-tokens.ts). */
async function podToken(
  client: KubeClient,
  pod: import('../kinds/types').KubeObject,
  source: { audience?: string; expirationSeconds?: number },
): Promise<{ token: string; expiresAt: Date } | undefined> {
  const ns = pod.metadata.namespace ?? 'default';
  const name = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
  const answer = (await client.createSubresource(R.serviceaccounts, ns, name, 'token', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      audiences: source.audience ? [source.audience] : undefined,
      expirationSeconds: source.expirationSeconds ?? 3607,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
    },
  })) as { status?: { token?: string; expirationTimestamp?: string } };
  const token = answer?.status?.token;
  return token ? { token, expiresAt: new Date(answer.status!.expirationTimestamp!) } : undefined;
}
