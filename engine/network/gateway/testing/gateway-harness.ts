// The Gateway API controller and the ingress proxy over a real API core, with "pods" that are
// loopback servers: a pod IP maps onto a local port, so routing is tested without Docker.
import { connect, type AddressInfo, type Socket } from 'node:net';
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
  /** Serves `server` as the pod at `ip`. */
  addPod(ip: string, server: Server | Http2Server): Promise<void>;
  /** A Service (port 80 → 8080) with one ready endpoint at `ip`. */
  svc(ns: string, name: string, ip: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startGatewayHarness(): Promise<GatewayHarness> {
  const t = await startTestCore();
  await t.core.crds.start(); // the HTTPS server starts it in a cluster
  const podPorts = new Map<string, number>();
  const servers: (Server | Http2Server)[] = [];
  const late: { gateway?: GatewayController } = {};
  const ingress = startIngressController({
    client: t.client,
    httpPort: 0,
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
    httpsPort: Promise.resolve(undefined),
  }));
  const port = await ingress.listening;
  await gateway.synced();
  return {
    t,
    ingress,
    gateway,
    port,
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
    },
  };
}
