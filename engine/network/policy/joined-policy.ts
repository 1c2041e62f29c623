// NetworkPolicy on a joined machine (`skiff join`): this machine's bridge carries its own pods'
// traffic, so it enforces policies for them itself — the same model and host table as the first
// machine (policy-controller.ts, policy-host.ts), on this machine's pod network. Judging peers
// on other machines needs every pod, namespace and NetworkPolicy, which the node's identity may
// not read (the Node authorizer: its own pods only, no NetworkPolicies — as upstream). Like an
// upstream CNI agent (calico-node, cilium-agent) it acts as a ServiceAccount of its own,
// kube-system/skiff-network-policy (read-only: system:skiff:network-policy-agent). Its token
// comes from the first machine over the node agent's mutual-TLS endpoint
// (cluster/joined-policy-credentials.ts), with the Service CIDR and the addresses to let through.
import type Docker from 'dockerode';
import { isIPv4 } from 'node:net';
import { createHttpClient, type HttpKubeClient } from '../../client/http-client';
import type { ClusterKey } from '../../docker/names';
import { ensureAgentImage } from '../agent-image';
import { startPolicyController, type PolicyController } from './policy-controller';
import { applyHostPolicy, hostPolicyTarget } from './policy-host';

/** The ServiceAccount (kube-system) a joined machine's NetworkPolicy agent acts as. */
export const JOINED_POLICY_ACCOUNT = 'skiff-network-policy';

export interface JoinedPolicyCredentials {
  token: string;
  /** RFC 3339; the first machine sends a new token well before. */
  expirationTimestamp: string;
  serviceCIDR: string;
  /**
   * Sources let through: the first machine's network agent (Service traffic it DNATed here, judged
   * there) and the first machine's own address (its NodePort and ingress relays dial pods from the
   * host, which is not filtered on the first machine either).
   */
  passFrom: string[];
}

const isCidr = (v: unknown) => typeof v === 'string' && /^[\d.]+\/([12]?\d|3[0-2])$/.test(v) && isIPv4(v.split('/')[0]);

/** Checks what arrived before any of it reaches a request header or an nft script; throws saying what is wrong. */
export function parseJoinedPolicyCredentials(body: unknown): JoinedPolicyCredentials {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.token !== 'string' || !/^[A-Za-z0-9._-]{1,8192}$/.test(b.token)) throw new Error('network credentials: no usable token');
  if (!isCidr(b.serviceCIDR)) throw new Error(`network credentials: serviceCIDR ${JSON.stringify(b.serviceCIDR)} is not an IPv4 CIDR`);
  const pass = Array.isArray(b.passFrom) ? b.passFrom : [];
  if (pass.length > 16 || !pass.every((ip) => typeof ip === 'string' && isIPv4(ip)))
    throw new Error('network credentials: passFrom must be a few IPv4 addresses');
  return {
    token: b.token,
    expirationTimestamp: typeof b.expirationTimestamp === 'string' ? b.expirationTimestamp : '',
    serviceCIDR: b.serviceCIDR as string,
    passFrom: pass as string[],
  };
}

export interface JoinedPolicy {
  /** What the first machine handed over (POST /network/credentials); throws when malformed. */
  credentials(body: unknown): void;
  /** Stops watching and removes this machine's table. */
  stop(): Promise<void>;
}

export function startJoinedPolicy(o: {
  server: string;
  caCert: string;
  nodeName: string;
  /** The pod network's identity on this machine's Docker. */
  cluster: ClusterKey;
  /** Where the enforcement state is written (`network-policy`). */
  stateDir: string;
  docker: () => Promise<Docker>;
  log?: (line: string) => void;
}): JoinedPolicy {
  const log = o.log ?? (() => {});
  let creds: JoinedPolicyCredentials | undefined;
  let client: HttpKubeClient | undefined;
  let controller: PolicyController | undefined;
  let stopped = false;

  function start() {
    client = createHttpClient({
      server: o.server,
      ca: o.caCert,
      token: () => creds!.token,
      userAgent: `skiff-network-policy/${o.nodeName}`,
    });
    controller = startPolicyController({
      client,
      cluster: o.cluster,
      clusterDir: o.stateDir,
      plan: {
        get serviceCIDR() {
          return creds!.serviceCIDR;
        },
      },
      host: {
        target: async () => ({ ...(await hostPolicyTarget(await o.docker(), o.cluster)), passFrom: creds!.passFrom }),
        apply: async (script) => {
          const docker = await o.docker();
          return applyHostPolicy(docker, o.cluster, await ensureAgentImage(docker, { log }), script);
        },
      },
      onChange: () => {}, // no network agent here: Service traffic is judged on the first machine
      // Its ServiceAccount only reads; what is not enforced here is said in this machine's log.
      event: (obj, _type, reason, message) => log(`network policy ${obj.metadata.namespace}/${obj.metadata.name}: ${reason}: ${message}`),
      log,
    });
  }

  return {
    credentials(body) {
      const next = parseJoinedPolicyCredentials(body);
      if (stopped) return;
      const moved = creds && (creds.serviceCIDR !== next.serviceCIDR || creds.passFrom.join() !== next.passFrom.join());
      creds = next;
      if (!controller) {
        log(`network policy: enforcing for node ${o.nodeName}'s pods as kube-system/${JOINED_POLICY_ACCOUNT}`);
        start();
      } else if (moved) controller.refresh();
    },
    async stop() {
      stopped = true;
      await controller?.stop();
      client?.close();
    },
  };
}
