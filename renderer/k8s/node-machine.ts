// Which machine a node is and whether its agent answers, for the node detail panel. The kind
// comes from Skiff's runtime annotation (a joined machine's agent, this machine's Docker, or a
// simulated node); "answers" is the agent's heartbeat: the node's Lease in kube-node-lease,
// renewed every 10 s by a live agent and judged stale after its leaseDurationSeconds (40 s), as
// the node lifecycle controller judges it.
import type { KubeObject } from './types';

const RUNTIME = 'skiff.dev/node-runtime';
const AGENT_ENDPOINT = 'skiff.dev/agent-endpoint';

export interface NodeMachine {
  /** What runs the node, in words. */
  what: string;
  joined: boolean;
  /** The machine's address (InternalIP). */
  address?: string;
  /** The joined agent's authenticated endpoint (the kubelet's :10250 counterpart). */
  agentEndpoint?: string;
}

type NodeStatus = {
  addresses?: { type?: string; address?: string }[];
  conditions?: { type?: string; status?: string; message?: string }[];
};
type LeaseSpec = { renewTime?: string; leaseDurationSeconds?: number };

export function nodeMachine(node: KubeObject): NodeMachine {
  const runtime = node.metadata.annotations?.[RUNTIME];
  const addresses = (node.status as NodeStatus | undefined)?.addresses ?? [];
  const address = addresses.find((a) => a.type === 'InternalIP')?.address;
  const port = node.metadata.annotations?.[AGENT_ENDPOINT];
  if (runtime === 'joined')
    return {
      what: 'another machine (joined with skiff join)',
      joined: true,
      address,
      agentEndpoint: address && port ? `${address}:${port}` : undefined,
    };
  if (runtime === 'docker') return { what: "this machine's Docker", joined: false, address };
  if (runtime === 'simulated') return { what: 'simulated (no containers run)', joined: false, address };
  return { what: 'not run by Skiff (registered by its own kubelet)', joined: false, address };
}

export interface AgentHealth {
  tone: 'ok' | 'warn' | 'bad';
  text: string;
}

const ago = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};

/** From the node's Lease (undefined: none yet, or not readable) and its Ready condition. */
export function agentHealth(node: KubeObject, lease: KubeObject | undefined, now: number): AgentHealth {
  const spec = lease?.spec as LeaseSpec | undefined;
  const renew = spec?.renewTime;
  const conditions = (node.status as NodeStatus | undefined)?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!renew) return { tone: 'warn', text: 'no heartbeat yet (no node Lease)' };
  const age = now - Date.parse(renew);
  const limit = (spec?.leaseDurationSeconds ?? 40) * 1000;
  if (age > limit)
    return {
      tone: 'bad',
      text: `not answering: last heartbeat ${ago(age)}${ready?.status !== 'True' && ready?.message ? ` (${ready.message})` : ''}`,
    };
  if (ready?.status !== 'True')
    return { tone: 'warn', text: `answering (heartbeat ${ago(age)}), node not Ready${ready?.message ? `: ${ready.message}` : ''}` };
  return { tone: 'ok', text: `answering (heartbeat ${ago(age)})` };
}
