/* eslint-disable @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// This machine as a node of a cluster elsewhere: `skiff join` (token discovery, TLS bootstrap,
// then the node agent until stopped) and `skiff leave` (stop the agent, remove its containers
// and Node, forget its certificate). State lives in <dataDir>/node/ (owner-only files).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createHttpClient } from '../client/http-client';
import { R, type KubeClient } from '../client/types';
import { clockSkewLine, discoverCluster } from '../kubelet/join/discovery';
import { requestNodeCertificate } from '../kubelet/join/tls-bootstrap';
import { startNodeAgent, type NodeAgent } from '../kubelet/join/node-agent';
import { parseBootstrapToken } from '../pki/bootstrap-token';
import { expiredCertText } from '../pki/node-cert-life';
import { writePrivateFile } from '../pki/private-file';
import { readNodeCredentials, writeNodeCredentials } from '../pki/node-credentials';
import { SkiffError } from './errors';
import { nodeCredentialsAtStart } from './node-cert-check';
import { claimPidFile, isAlive, readPid, releasePidFile, waitForExit } from './pid-file';

export interface JoinOptions {
  url: string;
  token: string;
  caHash: string;
  nodeName: string;
  labels?: Record<string, string>;
  dataDir: string;
  /** Pod sandbox image on this machine (default: Skiff's own, built locally). */
  sandboxImage?: string;
  log?: (line: string) => void;
  /** Each phase as it ends (discovery, certificate, agent, ready). */
  onStep?: (step: string, detail: string) => void;
  /**
   * The Node was deleted on the first machine: the agent removed its pods' containers, this
   * machine's pod network and routes, and stopped; `skiff join` again adds the machine back.
   */
  onNodeDeleted?: (removed: { pods: number }) => void;
  /**
   * The client certificate expired while the agent ran (the machine slept past it): its rotation
   * has stopped; the caller stops the agent (pods' containers stay) and says what to do.
   */
  onCertExpired?: (err: SkiffError) => void;
}

export const nodeStateDir = (dataDir: string) => join(dataDir, 'node');

export async function joinCluster(o: JoinOptions): Promise<{ agent: NodeAgent; server: string; stop(): Promise<void> }> {
  const token = parseBootstrapToken(o.token);
  if (!token)
    throw new SkiffError(`invalid --token "${o.token}"`, 'a token looks like abcdef.0123456789abcdef (skiff token create prints one)');
  if (!/^sha256:[0-9a-fA-F]{64}$/.test(o.caHash))
    throw new SkiffError(
      `invalid --discovery-token-ca-cert-hash "${o.caHash}"`,
      'it looks like sha256:<64 hex digits> (skiff token create --print-join-command prints it)',
    );
  const dir = nodeStateDir(o.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const other = claimPidFile(join(dir, 'agent.pid'));
  if (other !== undefined) throw new SkiffError(`this machine already runs a node agent (pid ${other})`, 'run skiff leave first');
  try {
    const t0 = performance.now();
    const step = (s: string, d: string) => o.onStep?.(s, `${d} (${Math.round(performance.now() - t0)} ms)`);
    const found = await discoverCluster(o.url, token, o.caHash).catch(asSkiffError);
    step('discovery', `cluster at ${found.server} verified (token signature and CA hash)`);
    const skew = clockSkewLine(found.clockSkewMs, new URL(found.server).host);
    if (skew) o.log?.(skew);
    const boot = createHttpClient({ server: found.server, ca: found.caCert, token: o.token });
    const creds = await requestNodeCertificate(boot, o.nodeName).catch(asSkiffError);
    boot.close();
    writePrivateFile(join(dir, 'ca.crt'), found.caCert);
    writeNodeCredentials(dir, creds);
    writePrivateFile(join(dir, 'node.json'), JSON.stringify({ server: found.server, nodeName: o.nodeName }) + '\n');
    step('certificate', `system:node:${o.nodeName} signed by the cluster CA`);
    // Expired: stop, saying so; past 80 % of its life: renewed before anything else.
    const start = await nodeCredentialsAtStart({
      server: found.server,
      caCert: found.caCert,
      nodeName: o.nodeName,
      creds,
      save: (c) => writeNodeCredentials(dir, c),
      log: o.log,
    });
    const hostIP = await localAddressTowards(new URL(found.server));
    const held: { routes?: { stop(): void; routes(): { cidr: string }[] } } = {}; // set once the agent runs
    const cluster = { name: `joined-${o.nodeName}`, uid: `joined-${o.nodeName}` };
    const { Docker } = await import('../docker/dockerode');
    const docker = new Docker();
    // NetworkPolicy for this machine's pods, once the first machine hands over its credentials.
    const { startJoinedPolicy } = await import('../network/policy/joined-policy');
    const policy = startJoinedPolicy({
      server: found.server,
      caCert: found.caCert,
      nodeName: o.nodeName,
      cluster,
      stateDir: dir,
      docker: () => Promise.resolve(docker),
      log: o.log,
    });
    const nodeDeleted = async (removed: { pods: number }) => {
      held.routes?.stop();
      await policy.stop();
      const routed = held.routes?.routes().map((r) => r.cidr) ?? []; // the Node, which listed them, is gone
      await removeJoinedDocker(cluster, routed);
      o.onNodeDeleted?.(removed);
    };
    const agent: NodeAgent = await startNodeAgent({
      server: found.server,
      caCert: found.caCert,
      ...start,
      nodeName: o.nodeName,
      hostIP,
      labels: o.labels,
      dataDir: dir,
      sandboxImage: o.sandboxImage,
      onCertRotated: (c) => writeNodeCredentials(dir, c),
      onNetworkCredentials: (body) => policy.credentials(body),
      log: o.log,
      onNodeDeleted: (removed) =>
        void nodeDeleted(removed).catch((e: Error) => o.log?.(`removing this machine's pod network: ${e.message}`)),
    });
    void agent.rotation.expired.then((validTo) => {
      const { what, fix } = expiredCertText(o.nodeName, validTo);
      o.onCertExpired?.(new SkiffError(what, fix));
    });
    step('agent', `node ${o.nodeName} registered, InternalIP ${hostIP}${agent.podCIDR ? `, podCIDR ${agent.podCIDR}` : ''}`);
    // Other machines' pods (and the Services and DNS the first machine serves) are routed from here.
    const { startPodRoutes } = await import('../network/pod-routes-controller');
    const routes = (held.routes = agent.podCIDR
      ? startPodRoutes({
          client: agent.client,
          ownNode: o.nodeName,
          docker: () => Promise.resolve(docker),
          cluster: agent.cluster,
          self: hostIP,
          log: o.log,
        })
      : undefined);
    return {
      agent,
      server: found.server,
      async stop() {
        routes?.stop();
        agent.stop();
        await policy.stop(); // its table leaves this machine's firewall
        releasePidFile(join(dir, 'agent.pid'));
      },
    };
  } catch (err) {
    releasePidFile(join(dir, 'agent.pid'));
    throw err;
  }
}

/** Waits until this node's Ready condition is True. */
export async function waitNodeReady(agent: NodeAgent, nodeName: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const n = await agent.client.get(R.nodes, undefined, nodeName).catch(() => undefined);
    const ready = (n?.status?.conditions as { type: string; status: string }[] | undefined)?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return;
    if (Date.now() > end)
      throw new SkiffError(
        `node ${nodeName} did not turn Ready within ${timeoutMs / 1000} s`,
        'check Docker on this machine (docker info)',
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops this machine's agent, deletes its Node (with its own certificate), its containers and its state. */
export async function leaveCluster(dataDir: string): Promise<{ nodeName?: string; removedContainers: number }> {
  const dir = nodeStateDir(dataDir);
  if (!existsSync(join(dir, 'node.json'))) throw new SkiffError('this machine has not joined a cluster', 'nothing to leave');
  const { server, nodeName } = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { server: string; nodeName: string };
  const pid = readPid(join(dir, 'agent.pid'));
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
  }
  const client = createHttpClient({
    server,
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    ...readNodeCredentials(dir),
    timeoutMs: 5000,
  });
  // The routes this machine holds to other machines' pods: read while the Node's credentials still work.
  const routed = await routedCidrs(client, nodeName);
  await client.delete(R.nodes, undefined, nodeName).catch(() => undefined); // unreachable or gone: leave anyway
  client.close();
  const removedContainers = await removeJoinedDocker({ name: `joined-${nodeName}`, uid: `joined-${nodeName}` }, routed);
  rmSync(dir, { recursive: true, force: true });
  return { nodeName, removedContainers };
}

/** The pod ranges of the other machines, which this machine holds routes to: handed to it on its own Node (all it may read). */
async function routedCidrs(client: KubeClient, nodeName: string): Promise<string[]> {
  const { parseRoutesFor } = await import('../network/pod-routes');
  return client.get(R.nodes, undefined, nodeName).then(
    (n) => parseRoutesFor(n).routes.map((r) => r.cidr),
    () => [] as string[],
  );
}

/** Removes this machine's routes to other machines' pods (and its overlay device), its containers and its pods' network; returns how many containers. */
async function removeJoinedDocker(cluster: { name: string; uid: string }, routed: string[]): Promise<number> {
  try {
    const { Docker } = await import('../docker/dockerode');
    const { listClusterContainers, removeClusterResources } = await import('../docker/network');
    const docker = new Docker();
    if (routed.length) {
      const { removePodRoutes } = await import('../network/pod-routes-controller');
      await removePodRoutes(docker, cluster, routed).catch(() => undefined);
    }
    const removed = (await listClusterContainers(docker, cluster, { all: true })).length;
    await removeClusterResources(docker, cluster); // its containers and the pods' network on this machine
    return removed;
  } catch {
    return 0; // Docker absent: nothing to remove
  }
}

/** The local address this machine uses to reach the server (what other machines reach it at). */
function localAddressTowards(u: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port || 443) }, () => {
      const a = s.localAddress ?? '127.0.0.1';
      s.destroy();
      resolve(a.replace(/^::ffff:/, ''));
    });
    s.on('error', reject);
  });
}

function asSkiffError(e: Error): never {
  if (e.name === 'JoinError' || e.constructor?.name === 'JoinError') {
    const at = e.message.indexOf('; ');
    throw at < 0 ? new SkiffError(e.message, 'check the join command') : new SkiffError(e.message.slice(0, at), e.message.slice(at + 2));
  }
  throw e;
}
