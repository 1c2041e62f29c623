// The agent's container (names.ts `agentContainerName`): NET_ADMIN, on the cluster network, control port
// published on the host's 127.0.0.1 only (Docker picks the port), labelled with the cluster so stop,
// delete and removeClusterResources treat it like the cluster's other containers. A restarted
// Skiff adopts it; a different image, agent build, secret or DNS IP re-creates it.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { agentContainerName, clusterLabels, type ClusterKey } from '../docker/names';
import { tarBuffer } from '../docker/tar';
import type { AgentBundle } from './agent-bundle';

export const CONTROL_PORT = 7070;
export const COMPONENT_LABEL = 'skiff.component';
export const AGENT_COMPONENT = 'network-agent';
const SPEC_LABEL = 'skiff.agent-spec';

export { agentContainerName };

export interface AgentContainerSpec {
  cluster: ClusterKey;
  network: string;
  image: string;
  secret: string;
  dnsIP: string;
  bundle: AgentBundle;
}

export interface AgentContainer {
  id: string;
  /** The control port as published on 127.0.0.1. */
  hostPort: number;
  created: boolean;
}

const notFound = (e: any) => e?.statusCode === 404;

/** The published control port of a running agent (re-read after restarts: Docker may pick another). */
export async function agentHostPort(docker: Docker, id: string): Promise<number> {
  const info = await docker.getContainer(id).inspect();
  const binding =
    info.NetworkSettings?.Ports?.[`${CONTROL_PORT}/tcp`]?.find((b: any) => b.HostIp === '127.0.0.1' || b.HostIp === '') ??
    info.NetworkSettings?.Ports?.[`${CONTROL_PORT}/tcp`]?.[0];
  const port = Number(binding?.HostPort);
  if (!info.State?.Running || !port)
    throw new Error(
      `the network agent ${info.Name} is ${info.State?.Status ?? 'not running'}${port ? '' : ' (no published control port)'}`,
    );
  return port;
}

export async function ensureAgentContainer(
  docker: Docker,
  spec: AgentContainerSpec,
  log: (line: string) => void = () => {},
): Promise<AgentContainer> {
  const name = agentContainerName(spec.cluster);
  const imageId = (await docker.getImage(spec.image).inspect()).Id;
  // SKIFF_SERVICE_PROXY=userspace turns the kernel path off (the fallback, also for tests).
  const proxyMode = process.env.SKIFF_SERVICE_PROXY === 'userspace' ? 'userspace' : 'auto';
  const want = createHash('sha256')
    .update([imageId, spec.bundle.hash, spec.secret, spec.dnsIP, spec.network, proxyMode].join('\n'))
    .digest('hex')
    .slice(0, 16);

  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await docker
      .getContainer(name)
      .inspect()
      .catch((e) => {
        if (notFound(e)) return undefined;
        throw e;
      });
    if (existing) {
      // `docker network rm` behind our back leaves the agent without its network (and port).
      let lostNetwork = !existing.NetworkSettings?.Networks?.[spec.network];
      if (existing.Config.Labels?.[SPEC_LABEL] === want && !lostNetwork) {
        const started = existing.State.Running
          ? true
          : await docker
              .getContainer(existing.Id)
              .start()
              .then(
                () => true,
                (e: { statusCode?: number; message?: string }) => {
                  if (e?.statusCode === 304) return true;
                  if (/network .*not found/i.test(String(e?.message))) return false;
                  throw e;
                },
              );
        if (started) return { id: existing.Id, hostPort: await waitForPort(docker, existing.Id), created: false };
        lostNetwork = true;
      }
      log(
        lostNetwork
          ? `network agent: re-creating ${name} (it lost the cluster network ${spec.network}, removed outside Skiff)`
          : `network agent: re-creating ${name} (image, agent build, secret or DNS address changed)`,
      );
      await docker
        .getContainer(existing.Id)
        .remove({ force: true })
        .catch((e) => {
          if (!notFound(e) && e?.statusCode !== 409) throw e;
        });
    }
    let c: Docker.Container;
    try {
      c = await docker.createContainer({
        name,
        Image: spec.image,
        Entrypoint: ['node', '/skiff/agent.mjs'],
        Cmd: [],
        Env: [
          `SKIFF_AGENT_SECRET=${spec.secret}`,
          `SKIFF_DNS_IP=${spec.dnsIP}`,
          `SKIFF_CONTROL_PORT=${CONTROL_PORT}`,
          `SKIFF_SERVICE_PROXY=${proxyMode}`,
        ],
        Labels: { ...clusterLabels(spec.cluster), [COMPONENT_LABEL]: AGENT_COMPONENT, [SPEC_LABEL]: want },
        ExposedPorts: { [`${CONTROL_PORT}/tcp`]: {} },
        HostConfig: {
          NetworkMode: spec.network,
          CapAdd: ['NET_ADMIN'],
          // The kernel path forwards DNATed packets out of the interface they came in on: no
          // redirects telling pods to skip the agent (they would skip the reverse NAT too).
          Sysctls: {
            'net.ipv4.ip_forward': '1',
            'net.ipv4.conf.all.send_redirects': '0',
            'net.ipv4.conf.default.send_redirects': '0',
            'net.ipv4.conf.eth0.send_redirects': '0',
          },
          PortBindings: { [`${CONTROL_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
          Init: true, // reaps the arping children; forwards SIGTERM
          RestartPolicy: { Name: 'unless-stopped' },
        },
      });
    } catch (e: any) {
      if (e?.statusCode === 409) continue; // someone else made it meanwhile: adopt or replace it
      throw e;
    }
    const archive = await tarBuffer([
      { type: 'dir', path: 'skiff' },
      { type: 'file', path: 'skiff/agent.mjs', data: Buffer.from(spec.bundle.code), mode: 0o644 },
    ]);
    await c.putArchive(archive, { path: '/' });
    await c.start();
    log(`network agent: started ${name} (${spec.image})`);
    return { id: c.id, hostPort: await waitForPort(docker, c.id), created: true };
  }
  throw new Error(`could not create the network agent container ${name}: it keeps being re-created by someone else`);
}

async function waitForPort(docker: Docker, id: string): Promise<number> {
  let last: unknown;
  for (let i = 0; i < 20; i++) {
    try {
      return await agentHostPort(docker, id);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}
