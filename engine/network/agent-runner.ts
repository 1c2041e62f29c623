// Brings the network agent up for a cluster and keeps the link to it: the per-cluster secret (kept
// in the cluster dir), the agent bundle, the image, the container (adopted, or re-created when
// it changed or vanished), and the control link, which re-reads the published port after failures.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../pki/private-file';
import { networkName, type ClusterKey } from '../docker/names';
import { agentBundle } from './agent-bundle';
import { ensureAgentImage } from './agent-image';
import { agentHostPort, ensureAgentContainer } from './agent-container';
import { createAgentLink, type AgentLink } from './agent-link';
import type { Endpoint } from './table';
import type { ProxyMode } from './agent/kernel-proxy';

export interface AgentRunnerOptions {
  docker: Docker;
  cluster: ClusterKey;
  /** The cluster's own directory (holds network-agent.secret). */
  clusterDir: string;
  dnsIP: string;
  reverseTarget(ip: string, port: number): Endpoint | undefined;
  log(line: string): void;
  onProxyMode?(mode: ProxyMode): void;
  /** Set when the cluster stops: nothing new is created after it. */
  stopped(): boolean;
}

export function loadOrCreateSecret(clusterDir: string): string {
  const file = join(clusterDir, 'network-agent.secret');
  if (existsSync(file)) {
    const s = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(s)) return s;
  }
  const s = randomBytes(32).toString('base64url');
  writePrivateFile(file, s + '\n');
  return s;
}

/** Starts (or adopts) the agent; resolves with a link once the container runs. */
export async function startAgent(o: AgentRunnerOptions): Promise<AgentLink> {
  const secret = loadOrCreateSecret(o.clusterDir);
  const [bundle, image] = await Promise.all([agentBundle(), ensureAgentImage(o.docker, { log: o.log })]);
  if (o.stopped()) throw new Error('cluster stopping');
  const spec = { cluster: o.cluster, network: networkName(o.cluster), image, secret, dnsIP: o.dnsIP, bundle };
  let agent = await ensureAgentContainer(o.docker, spec, o.log);
  return createAgentLink({
    secret,
    log: o.log,
    reverseTarget: o.reverseTarget,
    onProxyMode: (mode) => o.onProxyMode?.(mode),
    async endpoint() {
      try {
        return { host: '127.0.0.1', port: await agentHostPort(o.docker, agent.id) };
      } catch (e) {
        if (o.stopped()) throw e;
        // Gone or stopped behind our back (docker rm, a Docker restart): bring it back.
        agent = await ensureAgentContainer(o.docker, spec, o.log);
        return { host: '127.0.0.1', port: agent.hostPort };
      }
    },
  });
}
