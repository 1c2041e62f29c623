// The Gateway API controller and the ingress proxy over a real API core, with "pods" that are
// loopback servers: a pod IP maps onto a local port, so routing is tested without Docker.
import { connect, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Http2Server } from 'node:http2';
import { startTestCore, type TestCluster } from '../../../apiserver/testing/test-cluster';
import { R } from '../../../client/types';
import { startIngressController, type IngressController } from '../../ingress/ingress-controller';
import { startGatewayController, type GatewayController } from '../gateway-controller';

export interface GatewayHarness {
  t: TestCluster;
  ingress: IngressController;
  gateway: GatewayController;
  /** The ingress's HTTP port. */
  port: number;
  /** The ingress's HTTPS port and the localhost CA's certificate (with `tls`). */
  tlsPort?: number;
  caPem?: string;
  /** Makes `ip` a pod listening on a local port already bound. */
  mapPod(ip: string, port: number): void;
  /** Serves `server` as the pod at `ip`. */
  addPod(ip: string, server: Server | Http2Server): Promise<void>;
  /** A Service (port 80 → 8080) with one ready endpoint at `ip`. */
  svc(ns: string, name: string, ip: string): Promise<void>;
  stop(): Promise<void>;
}

/** `tls`: also an HTTPS listener, with a localhost CA in a temporary pki directory. */
export async function startGatewayHarness(o: { tls?: boolean } = {}): Promise<GatewayHarness> {
  const t = await startTestCore();
  const pkiDir = o.tls ? mkdtempSync(join(tmpdir(), 'skiff-gw-pki-')) : undefined;
  await t.core.crds.start(); // the HTTPS server starts it in a cluster
  const podPorts = new Map<string, number>();
  const servers: (Server | Http2Server)[] = [];
  const late: { gateway?: GatewayController } = {};
  const ingress = startIngressController({
    client: t.client,
    httpPort: 0,
    ...(pkiDir ? { pkiDir, httpsPort: 0 } : {}),
    preRoute: (req, host, secure, grpc) => late.gateway?.router.route(req, host, secure, grpc),
    dialer: {
      target: (_b, ep) => ep,
      connect: (ip) =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(podPorts.get(ip) ?? 1, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        }),
    },
  });
  const gateway = (late.gateway = startGatewayController({
    client: t.client,
    httpPort: ingress.listening,
    httpsPort: ingress.tlsListening,
    listeners: ingress,
  }));
  const port = await ingress.listening;
  const tlsPort = await ingress.tlsListening;
  await gateway.synced();
  return {
    t,
    ingress,
    gateway,
    port,
    ...(pkiDir ? { tlsPort, caPem: readFileSync(join(pkiDir, 'localhost-ca.crt'), 'utf8') } : {}),
    mapPod: (ip, p) => podPorts.set(ip, p),
    async addPod(ip, server) {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      servers.push(server);
      podPorts.set(ip, (server.address() as AddressInfo).port);
    },
    async svc(ns, name, ip) {
      await t.client.create(R.services, ns, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { ports: [{ port: 80, targetPort: 8080 }] },
      });
      await t.client.create(R.endpointslices, ns, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        ports: [{ name: '', port: 8080, protocol: 'TCP' }],
        endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      });
    },
    async stop() {
      await gateway.stop();
      await ingress.stop();
      for (const s of servers) s.close();
      await t.close();
      if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
    },
  };
}
