// Pods across machines, the acting part: on one machine (the first one's Skiff, or a joined
// machine's `skiff join`), watches Nodes and keeps that machine's routes to every other
// machine's pod range (host routes, or the VXLAN overlay of pod-overlay.ts where a router lies
// between), and the firewall exemptions pod-routes.ts describes, in place. Skiff has
// no root on the host: the script runs in `skiff-<key>-routes`, a host-network NET_ADMIN
// container of the agent's image (as the NetworkPolicy table does). Applied on every change
// (debounced) and again every `resyncMs`, so routes the kernel dropped (a link that went down),
// an overlay device removed, and rules Docker re-ordered (its restart) come back.
import type Docker from 'dockerode';
import type { KubeClient } from '../client/types';
import { R } from '../client/types';
import { createInformer } from '../client/informer';
import { tarBuffer } from '../docker/tar';
import { agentContainerName, clusterRef, type ClusterKey } from '../docker/names';
import { ensureAgentImage } from './agent-image';
import { ensureHostHelper, runInHelper } from './policy/policy-host';
import { firstHost, overlayDevice, overlayVni, OVERLAY_ENV, parseOverlayMode, type OverlayMode, type OverlayPlan } from './pod-overlay';
import {
  isJoinedNode,
  parseRoutesFor,
  podRoutesFor,
  routeOf,
  routeScript,
  POD_ROUTE_ANNOTATION,
  POD_ROUTES_FOR_ANNOTATION,
  type HandedRoutes,
  type PodRoute,
} from './pod-routes';

export const ROUTES_COMPONENT = 'pod-routes';
export const routesContainerName = (c: ClusterKey) => agentContainerName(c).replace(/-net$/, '-routes');
const tagOf = (c: ClusterKey) => routesContainerName(c).slice(0, 60);
/** This machine's overlay device for the cluster. */
const overlayDeviceOf = (c: ClusterKey) => overlayDevice(tagOf(c));

export interface PodRoutesOptions {
  client: KubeClient;
  docker: () => Promise<Docker>;
  /** This machine's cluster key on its Docker (names the helper container and the rules' tag). */
  cluster: ClusterKey;
  /** This machine's address, where the others reach it (routes via it are its own; the overlay's local end). */
  self: string;
  /**
   * A joined machine: its node's name. It reads only its own Node (all a node may read) and takes
   * its routes from the annotation the first machine writes there.
   */
  ownNode?: string;
  /** The first machine only: "<its pod network> via <self>" is written on these nodes (its Docker-backed ones). */
  publish?: { cidr: string; nodes: (node: import('../kinds/types').KubeObject) => boolean; client?: KubeClient };
  /**
   * Host routes or the VXLAN overlay (pod-overlay.ts); default SKIFF_POD_NETWORK, else (a joined
   * machine) the first machine's, else auto.
   */
  overlay?: OverlayMode;
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

/** The mode SKIFF_POD_NETWORK asks for (undefined: unset; a wrong value is said and ignored). */
function envMode(log: (l: string) => void): OverlayMode | undefined {
  const v = process.env[OVERLAY_ENV];
  if (!v) return undefined;
  const mode = parseOverlayMode(v);
  if (!mode) log(`pod routes: ${OVERLAY_ENV}=${v} is not one of auto, overlay, routes; using auto`);
  return mode ?? 'auto';
}

export function startPodRoutes(o: PodRoutesOptions): PodRoutes {
  const log = o.log ?? (() => {});
  const ownMode = o.overlay ?? envMode(log);
  // The first machine's VNI (from its cluster's UID) and mode; joined machines are handed both.
  const vni = o.publish ? overlayVni(clusterRef(o.cluster).uid || clusterRef(o.cluster).name) : undefined;
  const nodes = createInformer(o.client, R.nodes, { log, ...(o.ownNode ? { fieldSelector: `metadata.name=${o.ownNode}` } : {}) });
  let applied: PodRoute[] = [];
  let appliedKey = '';
  let saidLast: string | undefined;
  let failsLast = '';
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
      const want = JSON.stringify({ ...podRoutesFor(nodes.list(), at), overlay: { vni, mode: ownMode ?? 'auto' } });
      if (n.metadata.annotations?.[POD_ROUTES_FOR_ANNOTATION] === want) continue;
      (o.publish!.client ?? o.client)
        .patch(R.nodes, undefined, n.metadata.name!, 'merge', { metadata: { annotations: { [POD_ROUTES_FOR_ANNOTATION]: want } } })
        .catch((e: Error) => log(`pod routes: hand routes to node ${n.metadata.name}: ${e.message}`));
    }
  };

  /** The overlay as this machine runs it: a joined machine takes the VNI and (unless told its own) the mode it is handed. */
  function overlayPlan(handed: HandedRoutes | undefined): OverlayPlan {
    const base = { dev: overlayDeviceOf(o.cluster), self: o.self };
    const own = o.ownNode ? nodes.list()[0] : undefined;
    const ownCidr = o.publish?.cidr ?? (own ? routeOf(own)?.cidr : undefined);
    const src = ownCidr ? firstHost(ownCidr) : undefined;
    const v = handed ? handed.overlay?.vni : vni;
    // No VNI handed (a first machine without the overlay): host routes only.
    if (!v) return { ...base, vni: 0, mode: 'routes' };
    return { ...base, vni: v, mode: ownMode ?? handed?.overlay?.mode ?? 'auto', ...(src ? { src } : {}) };
  }

  async function apply(force: boolean) {
    if (o.publish) handOut();
    const handed = o.ownNode ? parseRoutesFor(nodes.list()[0]) : undefined;
    const { routes, podRanges } = handed ?? podRoutesFor(nodes.list(), o.self);
    const plan = overlayPlan(handed);
    const key = JSON.stringify({ routes, podRanges, plan });
    if (!force && key === appliedKey) return;
    const drop = applied.filter((a) => !routes.some((r) => r.cidr === a.cidr)).map((a) => a.cidr);
    if (!routes.length && !drop.length && !applied.length && !force) return;
    const out = await runScript(await o.docker(), o.cluster, routeScript(routes, drop, podRanges, tagOf(o.cluster), plan), log);
    // Said once, not at every resync.
    const fails = out.split('\n').filter((l) => l.startsWith('FAIL'));
    if (fails.join('\n') !== failsLast) for (const line of fails) log(`pod routes: ${line.slice(5)}`);
    failsLast = fails.join('\n');
    const over = new Set(out.split('\n').flatMap((l) => (l.startsWith('OVERLAY ') ? [l.slice(8).trim()] : [])));
    const said = routes.map((r) => `${r.cidr} via ${r.via}${over.has(r.cidr) ? ` (VXLAN ${plan.dev}, VNI ${plan.vni})` : ''}`).join(', ');
    if (said !== saidLast) log(`pod routes: ${said || 'none'}`);
    saidLast = said;
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

/** Removes this machine's routes to other machines' pods, its overlay device and its firewall exemptions (leaving the cluster). */
export async function removePodRoutes(docker: Docker, cluster: ClusterKey, cidrs: string[], log: (l: string) => void = () => {}) {
  const plan: OverlayPlan = { mode: 'routes', dev: overlayDeviceOf(cluster), vni: 0, self: '' };
  await runScript(docker, cluster, routeScript([], cidrs, [], tagOf(cluster), plan), log);
}
