// NetworkPolicy on joined machines, the first machine's half: each joined node's agent enforces
// policies for its own pods as kube-system/skiff-network-policy (network/policy/joined-policy.ts
// says why not as its node). Upstream a DaemonSet pod carries such an agent's token; a node agent
// is no pod, so this machine — it holds the cluster CA and already dials every agent with mutual
// TLS, the agent's certificate pinned by its Node — requests a short-lived token for that account
// and hands it over on that channel, with the Service CIDR and the sources to let through (its
// network agent's address and its own), at once for each new agent endpoint and again before
// half the token's life is gone or when its agent's address moved.
import { callNodeAgent, type RemoteNodeOptions } from '../client/remote-node-streams';
import { R, isStatus, type KubeClient } from '../client/types';
import { JOINED_POLICY_ACCOUNT } from '../network/policy/joined-policy';
import type { RemoteNodeFollower } from './remote-nodes';

const NAMESPACE = 'kube-system';
const TOKEN_SECONDS = 3600;

export interface PolicyCredentialsSender extends RemoteNodeFollower {
  stop(): void;
}

export function startJoinedPolicyCredentials(o: {
  /** May create the ServiceAccount and its tokens (the cluster's own setup client). */
  client: KubeClient;
  serviceCIDR: string;
  /** This machine's network agent's address on the cluster network (undefined while it runs nowhere). */
  agentAddress: () => Promise<string | undefined>;
  /** This machine's address on the LAN (skiff start --advertise-address): its relays dial pods from it. */
  advertiseAddress?: string;
  log: (line: string) => void;
  /** How often each agent's credentials are checked (renewed past half life, re-sent when the agent's address moved). */
  checkMs?: number;
}): PolicyCredentialsSender {
  const agents = new Map<string, { agent: RemoteNodeOptions; sentAt?: number; sent?: string; failing?: boolean }>();
  let account: Promise<unknown> | undefined;

  async function send(node: string, force: boolean) {
    const a = agents.get(node);
    if (!a) return;
    const passFrom = [await o.agentAddress(), o.advertiseAddress].filter((ip): ip is string => !!ip);
    const key = `${o.serviceCIDR}|${passFrom.join()}`;
    if (!force && a.sent === key && a.sentAt && Date.now() - a.sentAt < (TOKEN_SECONDS * 1000) / 2) return;
    try {
      account ??= o.client
        .create(R.serviceaccounts, NAMESPACE, {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: JOINED_POLICY_ACCOUNT, namespace: NAMESPACE },
        })
        .catch((e) => {
          if (!isStatus(e, 409)) throw e;
        });
      await account.catch((e) => {
        account = undefined;
        throw e;
      });
      const answer = (await o.client.createSubresource(R.serviceaccounts, NAMESPACE, JOINED_POLICY_ACCOUNT, 'token', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: TOKEN_SECONDS },
      })) as { status?: { token?: string; expirationTimestamp?: string } };
      const sentAt = Date.now();
      await callNodeAgent(a.agent, 'POST', '/network/credentials', {
        token: answer.status?.token,
        expirationTimestamp: answer.status?.expirationTimestamp,
        serviceCIDR: o.serviceCIDR,
        passFrom,
      });
      if (agents.get(node) !== a) return;
      Object.assign(a, { sentAt, sent: key, failing: false });
    } catch (e) {
      if (!a.failing) o.log(`network policy credentials for node ${node}: ${(e as Error).message}; retrying`);
      a.failing = true;
      a.sentAt = undefined; // sent again at the next check
    }
  }

  const timer = setInterval(() => {
    for (const node of agents.keys()) void send(node, false);
  }, o.checkMs ?? 10_000);
  timer.unref();

  return {
    set(node, agent) {
      agents.set(node, { agent });
      void send(node, true);
    },
    delete: (node) => void agents.delete(node),
    stop: () => clearInterval(timer),
  };
}
