// Pods across machines, the acting part: on one machine (the first one's Skiff, or a joined
// machine's `skiff join`), watches Nodes and keeps that machine's host routes to every other
// machine's pod range, and the firewall exemptions pod-routes.ts describes, in place. Skiff has
// no root on the host: the script runs in `skiff-<key>-routes`, a host-network NET_ADMIN
// container of the agent's image (as the NetworkPolicy table does). Applied on every change
// (debounced) and again every `resyncMs`, so routes the kernel dropped (a link that went down)
// and rules Docker re-ordered (its restart) come back.
import type Docker from 'dockerode';
import type { KubeClient } from '../client/types';
import { R } from '../client/types';
import { createInformer } from '../client/informer';
import { tarBuffer } from '../docker/tar';
import { agentContainerName, type ClusterKey } from '../docker/names';
import { ensureAgentImage } from './agent-image';
import { ensureHostHelper, runInHelper } from './policy/policy-host';
import {
  isJoinedNode,
  parseRoutesFor,
  podRoutesFor,
  routeOf,
  routeScript,
  POD_ROUTE_ANNOTATION,
  POD_ROUTES_FOR_ANNOTATION,
  type PodRoute,
} from './pod-routes';

export const ROUTES_COMPONENT = 'pod-routes';
export const routesContainerName = (c: ClusterKey) => agentContainerName(c).replace(/-net$/, '-routes');
const tagOf = (c: ClusterKey) => routesContainerName(c).slice(0, 60);

export interface PodRoutesOptions {
  client: KubeClient;
  docker: () => Promise<Docker>;
  /** This machine's cluster key on its Docker (names the helper container and the rules' tag). */
  cluster: ClusterKey;
  /** This machine's address on the shared subnet (routes via it are its own). */
  self: string;
  /**
   * A joined machine: its node's name. It reads only its own Node (all a node may read) and takes
   * its routes from the annotation the first machine writes there.
   */
  ownNode?: string;
  /** The first machine only: "<its pod network> via <self>" is written on these nodes (its Docker-backed ones). */
  publish?: { cidr: string; nodes: (node: import('../kinds/types').KubeObject) => boolean; client?: KubeClient };
  log?: (line: string) => void;
  debounceMs?: number;
  resyncMs?: number;
}

export interface PodRoutes {
  /** The routes last applied. */
  routes(): PodRoute[];
  stop(): void;
}

async function runScript(docker: Docker, cluster: ClusterKey, script: string, log: (l: string) => void): Promise<string> {
  const image = await ensureAgentImage(docker, { log });
  const c = await ensureHostHelper(docker, cluster, image, routesContainerName(cluster), ROUTES_COMPONENT);
  await c.putArchive(await tarBuffer([{ type: 'file', path: 'routes.sh', data: Buffer.from(script), mode: 0o755 }]), { path: '/tmp' });
  const r = await runInHelper(docker, c, ['sh', '/tmp/routes.sh']);
  if (r.code !== 0) throw new Error(`routes script exited ${r.code}: ${r.text}`);
  return r.text;
}

export function startPodRoutes(o: PodRoutesOptions): PodRoutes {
  const log = o.log ?? (() => {});
  const nodes = createInformer(o.client, R.nodes, { log, ...(o.ownNode ? { fieldSelector: `metadata.name=${o.ownNode}` } : {}) });
  let applied: PodRoute[] = [];
  let appliedKey = '';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const publishOn = (n: import('../kinds/types').KubeObject) => {
    const want = `${o.publish!.cidr} via ${o.self}`;
    if (n.metadata.annotations?.[POD_ROUTE_ANNOTATION] === want) return;
    (o.publish!.client ?? o.client)
      .patch(R.nodes, undefined, n.metadata.name!, 'merge', { metadata: { annotations: { [POD_ROUTE_ANNOTATION]: want } } })
      .catch((e: Error) => log(`pod routes: annotate node ${n.metadata.name}: ${e.message}`));
  };

  /** The first machine hands each joined machine its routes (it may not list Nodes itself). */
  const handOut = () => {
    for (const n of nodes.list().filter(isJoinedNode)) {
      const at = routeOf(n)?.via;
      if (!at) continue;
      const want = JSON.stringify(podRoutesFor(nodes.list(), at));
      if (n.metadata.annotations?.[POD_ROUTES_FOR_ANNOTATION] === want) continue;
      (o.publish!.client ?? o.client)
        .patch(R.nodes, undefined, n.metadata.name!, 'merge', { metadata: { annotations: { [POD_ROUTES_FOR_ANNOTATION]: want } } })
        .catch((e: Error) => log(`pod routes: hand routes to node ${n.metadata.name}: ${e.message}`));
    }
  };

  async function apply(force: boolean) {
    if (o.publish) handOut();
    const { routes, podRanges } = o.ownNode ? parseRoutesFor(nodes.list()[0]) : podRoutesFor(nodes.list(), o.self);
    const key = JSON.stringify({ routes, podRanges });
    if (!force && key === appliedKey) return;
    const drop = applied.filter((a) => !routes.some((r) => r.cidr === a.cidr)).map((a) => a.cidr);
    if (!routes.length && !drop.length && !applied.length && !force) return;
    const out = await runScript(await o.docker(), o.cluster, routeScript(routes, drop, podRanges, tagOf(o.cluster)), log);
    for (const line of out.split('\n').filter((l) => l.startsWith('FAIL'))) log(`pod routes: ${line.slice(5)}`);
    if (key !== appliedKey) log(`pod routes: ${routes.map((r) => `${r.cidr} via ${r.via}`).join(', ') || 'none'}`);
    applied = routes;
    appliedKey = key;
  }

  function schedule(force = false) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) return void (again = true);
      running = apply(force)
        .catch((e) => log(`pod routes: ${(e as Error).message}`))
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            schedule();
          }
        });
    }, o.debounceMs ?? 100);
  }

  nodes.addHandlers({
    add: (n) => {
      if (o.publish?.nodes(n)) publishOn(n);
      schedule();
    },
    update: (_, n) => {
      if (o.publish?.nodes(n)) publishOn(n);
      schedule();
    },
    delete: () => schedule(),
  });
  nodes.start().catch((e) => log(`pod routes: ${(e as Error).message}`));
  const resync = setInterval(() => {
    if (applied.length) schedule(true);
  }, o.resyncMs ?? 10_000);
  resync.unref();

  return {
    routes: () => applied,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(resync);
      nodes.stop();
    },
  };
}

/** Removes this machine's routes to other machines' pods and its firewall exemptions (leaving the cluster). */
export async function removePodRoutes(docker: Docker, cluster: ClusterKey, cidrs: string[], log: (l: string) => void = () => {}) {
  await runScript(docker, cluster, routeScript([], cidrs, [], tagOf(cluster)), log);
}
