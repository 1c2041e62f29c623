// The node agent of a joined machine: registers its Node (as a kubelet self-registers, allowed
// by NodeRestriction for its own name), then runs one Docker-backed kubelet over HTTPS with the
// node's client certificate, watching only its own Node and pods (spec.nodeName=<node>).
import { createHttpClient, type HttpKubeClient } from '../../client/http-client';
import { R, isStatus } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { startNodeManager, NODE_RUNTIME_ANNOTATION } from '../index';
import { createNodeStreamsRegistry } from '../../client/node-streams';
import { AGENT_CERT_ANNOTATION, AGENT_ENDPOINT_ANNOTATION } from '../../client/remote-node-streams';
import { startStreamsServer } from './streams-server';
import { startCertRotation, type CertRotation } from './cert-rotation';
import { clusterDns, ensurePodNetwork, waitPodCIDR } from './pod-network';

/** The runtime annotation of a joined node: the first machine's node manager leaves it alone. */
export const JOINED_RUNTIME = 'joined';

export interface NodeAgentOptions {
  server: string;
  caCert: string;
  cert: string;
  key: string;
  nodeName: string;
  /** The address other machines reach this one at (its InternalIP). */
  hostIP: string;
  labels?: Record<string, string>;
  /** Where pods' volumes live on this machine. */
  dataDir: string;
  sandboxImage?: string;
  docker?: import('dockerode');
  /** Saves a rotated certificate (the agent renews its own before it expires). */
  onCertRotated?(creds: { cert: string; key: string }): void;
  /** Port of the streams endpoint (default: any free one). */
  streamsPort?: number;
  /** Lease renewal period (default 10 s; tests shorten it with the cluster's grace period). */
  leaseIntervalMs?: number;
  /** How long to wait for the cluster to give the node a podCIDR (default 20 s). */
  podCIDRTimeoutMs?: number;
  /** What the first machine hands this machine's NetworkPolicy agent (streams-server.ts, POST /network/credentials). */
  onNetworkCredentials?: (body: unknown) => void;
  log?: (line: string) => void;
  /**
   * The Node was deleted on the first machine (kubectl delete node): the kubelet has removed its
   * pods' containers and stopped. The agent does not register the Node again.
   */
  onNodeDeleted?(removed: { pods: number }): void;
}

export interface NodeAgent {
  client: HttpKubeClient;
  /** The node's podCIDR its pods' network uses; undefined: the cluster gave none (pods not routable from other machines). */
  podCIDR?: string;
  /** The Docker pod network's identity on this machine (names.ts). */
  cluster: { name: string; uid: string };
  rotation: CertRotation;
  stop(): void;
}

/** `docker load` of a tar stream; resolves with Docker's own lines ("Loaded image: …"). */
async function loadImage(docker: import('dockerode'), tar: NodeJS.ReadableStream): Promise<string> {
  const res = await docker.loadImage(tar, { quiet: true });
  let text = '';
  for await (const chunk of res as AsyncIterable<Buffer>) text += String(chunk);
  const lines: string[] = [];
  for (const l of text.split('\n').filter(Boolean)) {
    const m = JSON.parse(l) as { stream?: string; error?: string };
    if (m.error) throw new Error(m.error);
    if (m.stream) lines.push(m.stream.trim());
  }
  return lines.join('; ');
}

export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const log = o.log ?? (() => {});
  const registry = createNodeStreamsRegistry();
  const client = createHttpClient({
    server: o.server,
    ca: o.caCert,
    cert: o.cert,
    key: o.key,
    userAgent: `skiff-node-agent/${o.nodeName}`,
  });
  const docker = o.docker ?? new (await import('../../docker/dockerode')).Docker();
  // The endpoint the API server reaches for logs, exec, attach and port-forward (kubelet's :10250),
  // and for this node's usage figures (kubectl top), as metrics-server scrapes kubelets.
  const held: { manager?: { metrics(): unknown } } = {};
  const endpoint = await startStreamsServer({
    loadImage: (tar) => loadImage(docker, tar),
    usage: () => held.manager?.metrics() ?? { nodes: [], pods: [] },
    networkCredentials: o.onNetworkCredentials,
    host: o.hostIP,
    port: o.streamsPort,
    caCert: o.caCert,
    nodeName: o.nodeName,
    client,
    streams: () => registry.get(o.nodeName),
    log,
  });
  const annotations = {
    [NODE_RUNTIME_ANNOTATION]: JOINED_RUNTIME,
    [AGENT_ENDPOINT_ANNOTATION]: String(endpoint.port),
    [AGENT_CERT_ANNOTATION]: endpoint.fingerprint,
  };
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.nodeName,
      labels: { ...(o.labels ?? {}), 'kubernetes.io/hostname': o.nodeName, 'kubernetes.io/os': 'linux' },
      annotations,
    },
    spec: {},
  };
  await client.create(R.nodes, undefined, node).catch(async (e) => {
    if (!isStatus(e, 409)) throw e;
    // Registered before (a restart): this run's endpoint and certificate.
    await client.patch(R.nodes, undefined, o.nodeName, 'merge', { metadata: { annotations } });
  });
  const cluster = { name: `joined-${o.nodeName}`, uid: `joined-${o.nodeName}` };
  // The pods' network on this machine uses the node's podCIDR, so other machines can route to it.
  const podCIDR = await waitPodCIDR(client, o.nodeName, o.podCIDRTimeoutMs);
  if (podCIDR) await ensurePodNetwork(docker, cluster, podCIDR, log);
  else log(`node ${o.nodeName}: the cluster gave no podCIDR; its pods get a network of this machine only`);
  const dns = podCIDR ? await clusterDns(client) : undefined;
  const manager = (held.manager = await startNodeManager({
    client,
    log,
    only: { nodeName: o.nodeName, hostIP: o.hostIP },
    nodeStreams: registry,
    leaseIntervalMs: o.leaseIntervalMs,
    onNodeDeleted: (_name, removed) => o.onNodeDeleted?.(removed),
    docker: {
      cluster,
      docker,
      ...(dns ? { network: { dns: () => dns } } : {}),
      dataDir: o.dataDir,
      sandboxImage: o.sandboxImage,
      caCert: o.caCert,
      token: async (pod, source) => {
        const ns = pod.metadata.namespace ?? 'default';
        const sa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
        const answer = (await client.createSubresource(R.serviceaccounts, ns, sa, 'token', {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            audiences: source.audience ? [source.audience] : undefined,
            expirationSeconds: source.expirationSeconds ?? 3607,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
          },
        })) as { status?: { token?: string; expirationTimestamp?: string } };
        return answer?.status?.token ? { token: answer.status.token, expiresAt: new Date(answer.status.expirationTimestamp!) } : undefined;
      },
    },
  }));
  const rotation = startCertRotation({ client, nodeName: o.nodeName, cert: o.cert, onRotated: (c) => o.onCertRotated?.(c), log });
  return {
    client,
    podCIDR,
    cluster,
    rotation,
    stop() {
      rotation.stop();
      endpoint.close();
      manager.stop();
      client.close();
    },
  };
}
