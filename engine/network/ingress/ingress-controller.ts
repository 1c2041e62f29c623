// The built-in ingress controller: creates the default IngressClass `skiff`, watches Ingresses,
// IngressClasses, Services and EndpointSlices, rebuilds the route table on every change (short
// debounce), serves it on one HTTP listener on 127.0.0.1, fills status.loadBalancer.ingress of
// the Ingresses it serves, and says on the Ingress (Warning events) why a rule cannot work.
import type { Socket } from 'node:net';
import type { KubeClient, ResourceRef } from '../../client/types';
import { R, isStatus } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { createInformer, keyOf } from '../../client/informer';
import { createEventRecorder } from '../../client/event-recorder';
import { computeTable } from '../table';
import { headlessRoutes } from './headless-routes';
import { listenOnFirst, portCandidates } from '../host-port';
import { buildRouteTable, type RouteTable } from './route-table';
import { DEFAULT_ALIASES, isOurIngress, skiffIngressClass } from './ingress-class';
import { createIngressProxy, type BackendDialer, type IngressProxyOptions } from './ingress-proxy';
import { createBackendDialer, type DialMode } from './backend-dialer';
import { unsupportedAnnotations } from './annotations';
import { buildTlsTable, type TlsTable } from './tls-table';
import { createSniCallback } from './tls-certs';
import { deferredHttps, type DeferredHttps, type HttpsCertificates } from './deferred-https';
import { createServer as createHttpServer, type Server } from 'node:http';
import { errorMessage, ingressAddresses } from './ingress-types';

const INGRESSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };
const INGRESS_CLASSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' };
const LB_INGRESS = [{ ip: '127.0.0.1' }];

export interface IngressControllerOptions {
  client: KubeClient;
  log?: (line: string) => void;
  /** The HTTP port asked for (flag or cluster.json; 0: any free port). Default: 80, else 8080–8099, else any. */
  httpPort?: number;
  /** The HTTPS port asked for (0: any). Default: 443, else 8443–8462, else any. */
  httpsPort?: number;
  /** The cluster's pki directory: the localhost CA lives there. Without it, no HTTPS listener. */
  pkiDir?: string;
  /** Class names served besides `skiff` (default nginx, traefik). */
  aliases?: string[];
  /** How pods are reached (default auto: directly, or through the agent where the host cannot). */
  dialMode?: DialMode;
  /** The network agent's DIAL (Service ClusterIP:port). */
  agentDial?: (ip: string, port: number) => Promise<Socket>;
  /** Replaces the dialer built from dialMode/agentDial (tests reach pod IPs on loopback). */
  dialer?: BackendDialer;
  debounceMs?: number;
  /** Routes tried before the Ingress rules (the Gateway API controller's HTTPRoutes). */
  preRoute?: IngressProxyOptions['preRoute'];
  /** Certificates by SNI besides the Ingresses' (the Gateways' HTTPS listeners). */
  extraTls?: () => TlsTable;
  /**
   * The HTTPS listeners' certificates (x509 work) are made once this settles, or at their first
   * connection if that comes sooner (it waits for them): a cluster's start passes "the command
   * has returned". Default: at once.
   */
  certificatesAfter?: Promise<unknown>;
}

export interface IngressController {
  /** Resolves with the HTTP port once listening (rejects when no port could be bound). */
  listening: Promise<number>;
  /**
   * Resolves with the HTTPS port once its certificates exist (the localhost CA's file is written
   * by then); undefined without a pki directory, or when no port could be bound or no certificate made.
   */
  tlsListening: Promise<number | undefined>;
  /** Serves the routes on 127.0.0.1:`port` exactly (a Gateway listener's own port); rejects when it cannot bind. */
  openListener(port: number, tls: boolean): Promise<number>;
  closeListener(port: number): void;
  /** Resolves once the table reflects everything the informers know now. */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

export function startIngressController(o: IngressControllerOptions): IngressController {
  const log = o.log ?? (() => {});
  const policy = { aliases: o.aliases ?? DEFAULT_ALIASES };
  const debounceMs = o.debounceMs ?? 20;
  const ingresses = createInformer(o.client, INGRESSES, { log });
  const classes = createInformer(o.client, INGRESS_CLASSES, { log });
  const services = createInformer(o.client, R.services, { log });
  const slices = createInformer(o.client, R.endpointslices, { log });
  const secrets = createInformer(o.client, R.secrets, { log, fieldSelector: 'type=kubernetes.io/tls' });
  const events = createEventRecorder({ client: o.client, component: 'skiff-ingress', log });
  let table: RouteTable = { hosts: new Map(), wildcards: new Map(), any: [] };
  let tls: TlsTable = { hosts: new Map(), wildcards: new Map() };
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();
  let stopped = false;
  let port: number | undefined;
  const reported = new Map<string, string>(); // ingress → problems already told
  const dialer = o.dialer ?? createBackendDialer({ mode: o.dialMode ?? 'auto', agentDial: o.agentDial, log });
  let tlsPort: number | undefined;
  const proxy = createIngressProxy({ table: () => table, dialer, log, httpsPort: () => tlsPort, preRoute: o.preRoute });

  const listening = listenOnFirst(proxy.server, portCandidates(o.httpPort, 80, 8080)).then((p) => {
    port = p;
    log(`ingress: listening on http://127.0.0.1:${p} (hosts such as http://<name>.localhost:${p})`);
    schedule(0);
    return p;
  });
  listening.catch((e) => log(`ingress: cannot listen on 127.0.0.1: ${errorMessage(e)}`));

  /** The HTTPS servers' certificates (by SNI from the localhost CA and the Secrets), made once, when first needed. */
  let certificates: Promise<HttpsCertificates> | undefined;
  const httpsCertificates = (pkiDir: string) => (certificates ??= localhostCertificates(pkiDir));
  /** HTTPS servers wait for their certificates; their waiting connections are dropped on stop. */
  const deferred = new Set<DeferredHttps>();
  const httpsServer = (pkiDir: string) => {
    const d = deferredHttps(() => httpsCertificates(pkiDir));
    deferred.add(d);
    d.server.once('close', () => deferred.delete(d));
    proxy.attachTls(d.server);
    return d;
  };
  const tlsListening = o.pkiDir ? listenTls(o.pkiDir) : Promise.resolve(undefined);
  const own = new Map<number, Server>();

  async function localhostCertificates(pkiDir: string): Promise<HttpsCertificates> {
    const { loadOrCreateLocalhostCa } = await import('../../pki/localhost-ca');
    const ca = await loadOrCreateLocalhostCa(pkiDir);
    const fallback = await ca.issue('localhost');
    return { cert: fallback.cert, key: fallback.key, SNICallback: createSniCallback({ table: () => tls, extra: o.extraTls, ca, log }) };
  }

  async function listenTls(pkiDir: string): Promise<number | undefined> {
    const https = httpsServer(pkiDir);
    try {
      const p = await listenOnFirst(https.server, portCandidates(o.httpsPort, 443, 8443));
      if (stopped) return undefined;
      tlsPort = p; // HTTP→HTTPS redirects name it from now on: those connections wait for the certificates
      await o.certificatesAfter?.catch(() => {});
      if (stopped) return undefined;
      await https.start();
      if (stopped) return undefined;
      log(`ingress: listening on https://127.0.0.1:${p} (certificates for <name>.localhost from ${pkiDir}/localhost-ca.crt)`);
      return p;
    } catch (e) {
      https.server.close();
      tlsPort = undefined;
      log(`ingress: no HTTPS listener: ${errorMessage(e)}`);
      return undefined;
    }
  }

  const informers = [ingresses, classes, services, slices, secrets];
  const informersReady = Promise.all(informers.map((i) => i.start()));
  informersReady.catch((e) => log(`ingress: informers: ${errorMessage(e)}`));
  void ensureClass();

  async function ensureClass() {
    await o.client.create(INGRESS_CLASSES, undefined, skiffIngressClass()).catch((e) => {
      if (!isStatus(e, 409)) log(`ingress: IngressClass skiff: ${errorMessage(e)}`);
    });
  }

  function schedule(ms = debounceMs) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      syncing = syncing.then(sync).catch((e) => log(`ingress: ${errorMessage(e)}`));
    }, ms);
  }

  async function sync() {
    if (stopped || !informers.every((i) => i.hasSynced())) return;
    const svcs = services.list();
    const { table: net } = computeTable({ services: svcs, slices: slices.list(), dnsIP: '', domain: '' });
    const serviceRoutes = [...net.services, ...headlessRoutes(svcs, slices.list())];
    proxy.retain(serviceRoutes.flatMap((r) => r.ports.flatMap((p) => p.endpoints)));
    const all = ingresses.list();
    const ours = all.filter((i) => isOurIngress(i, classes.list(), policy));
    const built = buildRouteTable({ ingresses: ours, services: svcs, routes: serviceRoutes });
    table = built.table;
    const certs = buildTlsTable(ours, (ns, name) => secrets.get(ns, name));
    tls = certs.table;
    const byIngress = new Map<string, { reason: string; message: string }[]>();
    for (const p of [...built.problems, ...certs.problems]) byIngress.set(p.ingress, [...(byIngress.get(p.ingress) ?? []), p]);
    for (const ing of ours) {
      const k = keyOf(ing);
      const problems = [...(byIngress.get(k) ?? []), ...unsupportedAnnotations(ing)];
      const text = JSON.stringify(problems);
      if (reported.get(k) !== text) {
        reported.set(k, text);
        for (const p of problems) events.event(ing, 'Warning', p.reason, p.message);
      }
    }
    for (const k of reported.keys()) if (!ours.some((i) => keyOf(i) === k)) reported.delete(k);
    await writeStatus(all, new Set(ours.map(keyOf)));
  }

  async function writeStatus(all: KubeObject[], ours: Set<string>) {
    for (const ing of all) {
      const mine = ours.has(keyOf(ing)) && port !== undefined;
      const have = ingressAddresses(ing);
      // Another controller's Ingress keeps its status; ours is cleared when it leaves our class.
      if (!mine && JSON.stringify(have) !== JSON.stringify(LB_INGRESS)) continue;
      const want = mine ? LB_INGRESS : [];
      if (JSON.stringify(have) === JSON.stringify(want)) continue;
      await o.client
        .patch(
          INGRESSES,
          ing.metadata.namespace,
          ing.metadata.name!,
          'merge',
          { status: { loadBalancer: want.length ? { ingress: want } : { ingress: null } } },
          { subresource: 'status' },
        )
        .catch((e) => log(`ingress: ${keyOf(ing)}: status: ${errorMessage(e)}`));
    }
  }

  for (const inf of informers) inf.addHandlers({ add: () => schedule(), update: () => schedule(), delete: () => schedule() });
  informersReady.then(() => schedule(0)).catch(() => {});

  return {
    listening,
    tlsListening,
    async openListener(p, secure) {
      if (secure && !o.pkiDir) throw new Error('no HTTPS: the cluster has no localhost CA');
      let server: Server;
      if (secure) server = httpsServer(o.pkiDir!).server;
      else proxy.attachPlain((server = createHttpServer()));
      await listenOnFirst(server, [p]);
      if (stopped) {
        server.close();
        throw new Error('stopped');
      }
      own.set(p, server);
      return p;
    },
    closeListener(p) {
      const server = own.get(p);
      own.delete(p);
      server?.close();
      server?.closeAllConnections();
    },
    async synced() {
      await informersReady;
      schedule(0);
      await new Promise((r) => setTimeout(r, debounceMs + 5));
      await syncing;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const inf of informers) inf.stop();
      for (const d of deferred) d.close();
      proxy.close();
      await events.flush().catch(() => {});
    },
  };
}
