// Where direct pod → pod traffic is judged: the netns that owns the cluster's bridge (the host's;
// in Docker Desktop the VM's). With br_netfilter (Docker relies on it) bridged IPv4 packets pass
// the `ip` family's forward hook there, with conntrack. Skiff has no root on the host, so a small
// container of the agent image joins the host's network namespace with NET_ADMIN and only ever
// runs `nft -f` on the script Skiff writes into it: `skiff-<cluster>-policy`, labelled like the
// agent (stop/delete remove it), created the first time a policy isolates a pod.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { agentContainerName, clusterLabels, networkName, type ClusterKey } from '../../docker/names';
import { tarBuffer } from '../../docker/tar';
import { bridgeDevice } from '../../docker/network';
import { COMPONENT_LABEL } from '../agent-container';

export const POLICY_COMPONENT = 'network-policy';
const notFound = (e: unknown) => (e as { statusCode?: number } | undefined)?.statusCode === 404;

export const policyContainerName = (c: ClusterKey) => agentContainerName(c).replace(/-net$/, '-policy');
/** One nft table per cluster in the shared namespace, named after the cluster's Docker key. */
export const hostPolicyTable = (c: ClusterKey) => `skiff-pol-${agentContainerName(c).replace(/^skiff-|-net$/g, '')}`;

export interface HostPolicyTarget {
  /** The bridge device of the cluster network (br-<id> unless Docker was told a name). */
  bridge: string;
  /** The agent's address on it (its traffic is judged inside the agent). */
  agentIP?: string;
  /**
   * A joined machine: sources let through whatever the interface — the first machine's network
   * agent (its Service traffic, judged there) and host (its relays, unfiltered there too).
   */
  passFrom?: string[];
}

export async function hostPolicyTarget(docker: Docker, cluster: ClusterKey): Promise<HostPolicyTarget> {
  const net = await docker.getNetwork(networkName(cluster)).inspect();
  const bridge = bridgeDevice(net);
  const agent = await docker
    .getContainer(agentContainerName(cluster))
    .inspect()
    .catch(() => undefined);
  const ip = agent?.NetworkSettings?.Networks?.[networkName(cluster)]?.IPAddress;
  return { bridge, agentIP: ip || undefined };
}

/** A host-network NET_ADMIN container of `image` that only sleeps (commands run in it by exec); adopted when it exists. */
export async function ensureHostHelper(
  docker: Docker,
  cluster: ClusterKey,
  image: string,
  name = policyContainerName(cluster),
  component = POLICY_COMPONENT,
): Promise<Docker.Container> {
  const imageId = (await docker.getImage(image).inspect()).Id;
  const existing = await docker
    .getContainer(name)
    .inspect()
    .catch((e) => {
      if (notFound(e)) return undefined;
      throw e;
    });
  if (existing && existing.Image === imageId) {
    const c = docker.getContainer(existing.Id);
    if (!existing.State.Running)
      await c.start().catch((e: { statusCode?: number }) => {
        if (e?.statusCode !== 304) throw e;
      });
    return c;
  }
  if (existing) await docker.getContainer(existing.Id).remove({ force: true });
  const c = await docker.createContainer({
    name,
    Image: image,
    Entrypoint: ['sleep', '2147483647'],
    Cmd: [],
    Labels: { ...clusterLabels(cluster), [COMPONENT_LABEL]: component },
    HostConfig: { NetworkMode: 'host', CapAdd: ['NET_ADMIN'], Init: true, RestartPolicy: { Name: 'unless-stopped' } },
  });
  await c.start();
  return c;
}

export async function runInHelper(docker: Docker, c: Docker.Container, cmd: string[]): Promise<{ code: number; text: string }> {
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream: NodeJS.ReadableStream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  return { code: (await exec.inspect()).ExitCode ?? -1, text: text.trim() };
}

/**
 * Runs `nft -f` on `script` in the policy container (created or adopted first). Resolves with a
 * problem when bridged packets skip the forward hook (br_netfilter off: the rules would see nothing).
 */
export async function applyHostPolicy(docker: Docker, cluster: ClusterKey, image: string, script: string): Promise<string | undefined> {
  const c = await ensureHostHelper(docker, cluster, image);
  await c.putArchive(await tarBuffer([{ type: 'file', path: 'policy.nft', data: Buffer.from(script), mode: 0o644 }]), { path: '/tmp' });
  const r = await runInHelper(docker, c, ['nft', '-f', '/tmp/policy.nft']);
  if (r.code !== 0)
    throw new Error(`nft in ${policyContainerName(cluster)} exited ${r.code}: ${r.text.split('\n').slice(0, 3).join(' | ')}`);
  const bridged = await runInHelper(docker, c, ['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables']);
  if (bridged.text !== '1')
    return 'bridged packets do not pass the IPv4 firewall on this Docker host (br_netfilter not loaded or net.bridge.bridge-nf-call-iptables=0)';
  return undefined;
}
