// The Gateway API controller of the built-in ingress: installs the Gateway API CRDs and the
// GatewayClass `skiff` off the start's critical path, watches GatewayClasses, Gateways,
// HTTPRoutes, GRPCRoutes, ReferenceGrants, Namespaces, Services, EndpointSlices and TLS Secrets, rebuilds the
// route table on every change (short debounce) for the ingress proxy to consult before its
// Ingress rules, and writes the status conditions of our classes, Gateways and routes.
import type { KubeClient, ResourceRef } from '../../client/types';
import { R, isStatus } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { createInformer, keyOf } from '../../client/informer';
import { computeTable } from '../table';
import { headlessRoutes } from '../ingress/headless-routes';
import { errorMessage } from '../ingress/ingress-types';
import type { TlsEntry, TlsTable } from '../ingress/tls-table';
import { installGatewayCrds, GATEWAY_GROUP } from './gateway-crds';
import { buildGatewayModel, routeKey } from './gateway-model';
import { buildHttpRouteTable, emptyHttpRouteTable, type HttpRouteTable } from './http-route-table';
import { createGatewayRouter, type GatewayRouter } from './gateway-router';
import { sameStatus, stampConditions, stampGatewayStatus, stampRouteParents } from './gateway-status';
import { GATEWAY_CLASS, GATEWAY_CONTROLLER, conditionsOf, type Listener } from './gateway-types';
import { createListenerPorts } from './listener-ports';

const ref = (plural: string, version = 'v1'): ResourceRef => ({ group: GATEWAY_GROUP, version, plural });
export const GATEWAY_RESOURCES = {
  classes: ref('gatewayclasses'),
  gateways: ref('gateways'),
  httproutes: ref('httproutes'),
  grpcroutes: ref('grpcroutes'),
  grants: ref('referencegrants', 'v1beta1'),
};

export interface GatewayControllerOptions {
  /** Reads and status writes (the controller's own, narrow identity). */
  client: KubeClient;
  /** Installs the CRDs and the `skiff` GatewayClass (the cluster's composer); default `client`. */
  setupClient?: KubeClient;
  log?: (line: string) => void;
  /** The ingress's listeners (Programmed once they listen; redirects name their ports). */
  httpPort: Promise<number | undefined>;
  httpsPort: Promise<number | undefined>;
  /** Opens and closes listeners' own ports (the ingress's openListener); without it, all share the ingress's two. */
  listeners?: { openListener(port: number, tls: boolean): Promise<unknown>; closeListener(port: number): void };
  debounceMs?: number;
  now?: () => Date;
}

export interface GatewayController {
  router: GatewayRouter;
  /** Certificates HTTPS listeners name, by host. */
  tls(): TlsTable;
  /** Resolves once the CRDs are served and the table reflects what the informers know now. */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

export function startGatewayController(o: GatewayControllerOptions): GatewayController {
  const log = o.log ?? (() => {});
  const now = () =>
    (o.now ?? (() => new Date()))()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
  const debounceMs = o.debounceMs ?? 20;
  const ports: { http?: number; https?: number } = {};
  let table: HttpRouteTable = emptyHttpRouteTable();
  let tls: TlsTable = { hosts: new Map(), wildcards: new Map() };
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();
  let stopped = false;
  const router = createGatewayRouter({ table: () => table, ports: () => ports });
  const l = o.listeners;
  const own = l
    ? createListenerPorts({ open: (p, tls) => l.openListener(p, tls), close: (p) => l.closeListener(p), changed: () => schedule(), log })
    : undefined;

  const classes = createInformer(o.client, GATEWAY_RESOURCES.classes, { log });
  const gateways = createInformer(o.client, GATEWAY_RESOURCES.gateways, { log });
  const routes = createInformer(o.client, GATEWAY_RESOURCES.httproutes, { log });
  const grpcRoutes = createInformer(o.client, GATEWAY_RESOURCES.grpcroutes, { log });
  const grants = createInformer(o.client, GATEWAY_RESOURCES.grants, { log });
  const namespaces = createInformer(o.client, R.namespaces, { log });
  const services = createInformer(o.client, R.services, { log });
  const slices = createInformer(o.client, R.endpointslices, { log });
  const secrets = createInformer(o.client, R.secrets, { log, fieldSelector: 'type=kubernetes.io/tls' });
  const informers = [classes, gateways, routes, grpcRoutes, grants, namespaces, services, slices, secrets];

  const ready = (async () => {
    const setup = o.setupClient ?? o.client;
    await installGatewayCrds(setup, log);
    await setup
      .create(GATEWAY_RESOURCES.classes, undefined, {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: 'GatewayClass',
        metadata: { name: GATEWAY_CLASS },
        spec: { controllerName: GATEWAY_CONTROLLER, description: 'The Skiff ingress on 127.0.0.1' },
      })
      .catch((e) => {
        if (!isStatus(e, 409)) throw e;
      });
    if (stopped) return;
    for (const inf of informers) inf.addHandlers({ add: () => schedule(), update: () => schedule(), delete: () => schedule() });
    await Promise.all(informers.map((i) => i.start()));
    schedule(0);
  })();
  ready.catch((e) => log(`gateway: cannot start: ${errorMessage(e)}`));
  for (const [k, p] of [
    ['http', o.httpPort],
    ['https', o.httpsPort],
  ] as const)
    p.then((port) => {
      ports[k] = port;
      schedule(0);
    }).catch(() => {});

  function schedule(ms = debounceMs) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      syncing = syncing.then(sync).catch((e) => log(`gateway: ${errorMessage(e)}`));
    }, ms);
  }

  async function sync() {
    if (stopped || !informers.every((i) => i.hasSynced())) return;
    const svcs = services.list();
    const { table: net } = computeTable({ services: svcs, slices: slices.list(), dnsIP: '', domain: '' });
    const serviceRoutes = [...net.services, ...headlessRoutes(svcs, slices.list())];
    const model = buildGatewayModel({
      classes: classes.list(),
      gateways: gateways.list(),
      routes: routes.list(),
      grpcRoutes: grpcRoutes.list(),
      grants: grants.list(),
      namespaces: namespaces.list(),
      services: svcs,
      serviceRoutes,
      secret: (ns, name) => secrets.get(ns, name),
      listening: { http: ports.http !== undefined, https: ports.https !== undefined },
      ...(own ? { place: (l: Listener) => own.place(l, ports) } : {}),
    });
    own?.reconcile(model.ownPorts);
    table = buildHttpRouteTable(model.attached);
    tls = certificateTable(model.certificates);
    const t = now();
    for (const c of classes.list()) {
      const want = model.classes.get(c.metadata.name!);
      if (!want) continue;
      const conditions = stampConditions(want, conditionsOf(c), t);
      if (!sameStatus(conditions, conditionsOf(c))) await writeStatus(GATEWAY_RESOURCES.classes, c, { conditions });
    }
    for (const gw of gateways.list()) {
      const want = model.gateways.get(keyOf(gw));
      if (!want) continue;
      const status = stampGatewayStatus(want, gw, t);
      if (!sameStatus(status, pick(gw.status, ['addresses', 'conditions', 'listeners'])))
        await writeStatus(GATEWAY_RESOURCES.gateways, gw, status);
    }
    for (const [kind, inf, res] of [
      ['HTTPRoute', routes, GATEWAY_RESOURCES.httproutes],
      ['GRPCRoute', grpcRoutes, GATEWAY_RESOURCES.grpcroutes],
    ] as const)
      for (const r of inf.list()) {
        const parents = stampRouteParents(model.routeParents.get(routeKey(kind, r)) ?? [], r, t);
        const have = (r.status as { parents?: unknown[] } | undefined)?.parents ?? [];
        if (!sameStatus(parents, have)) await writeStatus(res, r, { parents });
      }
  }

  async function writeStatus(res: ResourceRef, obj: KubeObject, status: object) {
    await o.client.patch(res, obj.metadata.namespace, obj.metadata.name!, 'merge', { status }, { subresource: 'status' }).catch((e) => {
      if (!isStatus(e, 404)) log(`gateway: ${res.plural} ${keyOf(obj)}: status: ${errorMessage(e)}`);
    });
  }

  return {
    router,
    tls: () => tls,
    async synced() {
      await ready;
      schedule(0);
      await new Promise((r) => setTimeout(r, debounceMs + 5));
      await syncing;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      own?.close();
      for (const inf of informers) inf.stop();
      await ready.catch(() => {});
      for (const inf of informers) inf.stop();
    },
  };
}

function pick(o: unknown, keys: string[]): Record<string, unknown> {
  const src = (o ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    keys.map((k) => [k, src[k] ?? (k === 'addresses' || k === 'listeners' || k === 'conditions' ? [] : undefined)]),
  );
}

function certificateTable(certs: { hostname: string; secret: KubeObject }[]): TlsTable {
  const table: TlsTable = { hosts: new Map(), wildcards: new Map() };
  for (const c of certs) {
    if (!c.hostname) continue; // a listener for any host: the default certificate (or a localhost leaf) serves it
    const data = (c.secret.data ?? {}) as Record<string, string>;
    const entry: TlsEntry = {
      secret: keyOf(c.secret),
      version: c.secret.metadata.resourceVersion ?? '',
      cert: Buffer.from(data['tls.crt'], 'base64').toString('utf8'),
      key: Buffer.from(data['tls.key'], 'base64').toString('utf8'),
    };
    const m = c.hostname.startsWith('*.') ? table.wildcards : table.hosts;
    const k = c.hostname.startsWith('*.') ? c.hostname.slice(1) : c.hostname;
    if (!m.has(k)) m.set(k, entry);
  }
  return table;
}
