// gRPC over TLS through the ingress's HTTPS listener, with a real gRPC client and server
// (@grpc/grpc-js): the client chooses HTTP/2 by ALPN and trusts only the cluster's localhost CA.
// Calls are routed by a GRPCRoute on a Gateway HTTPS listener, and by an Ingress whose
// ingress-nginx backend-protocol is GRPC (to an h2c pod) or GRPCS (to a TLS pod). HTTP/1 over
// the same TLS listener keeps working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { eventually } from '../../apiserver/testing/test-cluster';
import { loadOrCreateLocalhostCa } from '../../pki/localhost-ca';
import { GATEWAY_RESOURCES as G } from './gateway-controller';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let h: GatewayHarness;
const servers: grpc.Server[] = [];
const podPki = mkdtempSync(join(tmpdir(), 'skiff-grpc-pod-'));
const INGRESSES = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };
const raw = (b: Buffer) => b;
const SAY = {
  path: '/demo.Echo/Say',
  requestStream: false,
  responseStream: false,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
};

/** A gRPC pod answering /demo.Echo/Say with "<name> <message>"; with `tls`, it serves TLS only. */
async function grpcPod(ip: string, name: string, tls?: { cert: string; key: string }) {
  const server = new grpc.Server();
  server.addService(
    { Say: SAY },
    {
      Say: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
        cb(null, Buffer.from(`${name} ${call.request.toString()}`)),
    },
  );
  const creds = tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }])
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? reject(e) : resolve(p))),
  );
  servers.push(server);
  h.mapPod(ip, port);
}

/** A unary call to `host` through the ingress (TLS trusting the localhost CA, or cleartext h2c). */
function say(host: string, message: string, secure = true) {
  const client = secure
    ? new grpc.Client(`127.0.0.1:${h.tlsPort}`, grpc.credentials.createSsl(Buffer.from(h.caPem!)), {
        'grpc.ssl_target_name_override': host,
        'grpc.default_authority': host,
      })
    : new grpc.Client(`127.0.0.1:${h.port}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': host });
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(SAY.path, raw, raw, Buffer.from(message), { deadline: Date.now() + 5000 }, (e, res) => {
      client.close();
      if (e) reject(e);
      else resolve(res!.toString());
    });
  });
}

const grpcIngress = (name: string, host: string, service: string, protocol: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': protocol } },
  spec: {
    ingressClassName: 'skiff',
    rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] } }],
  },
});

before(async () => {
  h = await startGatewayHarness({ tls: true });
  const ca = await loadOrCreateLocalhostCa(podPki);
  await grpcPod('10.244.5.1', 'routed');
  await grpcPod('10.244.5.2', 'ingress');
  await grpcPod('10.244.5.3', 'tls-pod', await ca.issue('pod.localhost'));
  await h.svc('default', 'routed', '10.244.5.1');
  await h.svc('default', 'plain', '10.244.5.2');
  await h.svc('default', 'secure', '10.244.5.3');
  await h.t.client.create(G.gateways, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw' },
    spec: { gatewayClassName: 'skiff', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.localhost' }] },
  });
  await h.t.client.create(G.grpcroutes, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name: 'echo' },
    spec: {
      parentRefs: [{ name: 'gw' }],
      hostnames: ['grpc.localhost'],
      rules: [{ matches: [{ method: { service: 'demo.Echo' } }], backendRefs: [{ name: 'routed', port: 80 }] }],
    },
  });
  await h.t.client.create(INGRESSES, 'default', grpcIngress('plain', 'ing-grpc.localhost', 'plain', 'GRPC'));
  await h.t.client.create(INGRESSES, 'default', grpcIngress('secure', 'ing-grpcs.localhost', 'secure', 'GRPCS'));
});

after(async () => {
  for (const s of servers) s.forceShutdown();
  await h.stop();
  rmSync(podPki, { recursive: true, force: true });
});

test('a GRPCRoute on a Gateway HTTPS listener serves a real gRPC client over TLS (ALPN h2)', async () => {
  assert.equal(await eventually(() => say('grpc.localhost', 'hello').catch(() => undefined), 'the route serving'), 'routed hello');
});

test('an Ingress with backend-protocol GRPC serves gRPC over TLS and over cleartext h2c', async () => {
  assert.equal(await eventually(() => say('ing-grpc.localhost', 'tls').catch(() => undefined), 'the Ingress serving'), 'ingress tls');
  assert.equal(await say('ing-grpc.localhost', 'h2c', false), 'ingress h2c');
});

test('backend-protocol GRPCS speaks TLS to the pod', async () => {
  assert.equal(await eventually(() => say('ing-grpcs.localhost', 'x').catch(() => undefined), 'the Ingress serving'), 'tls-pod x');
});

test('a client offering h2 and http/1.1 (a browser) gets HTTP/1.1; one offering only h2 (gRPC) gets h2', async () => {
  const alpn = (protocols: string[]) =>
    new Promise<string | false>((resolve, reject) => {
      const c = tlsConnect(
        { host: '127.0.0.1', port: h.tlsPort, servername: 'web.localhost', ca: h.caPem, ALPNProtocols: protocols },
        () => {
          resolve(c.alpnProtocol ?? false);
          c.end();
        },
      );
      c.on('error', reject);
    });
  assert.equal(await alpn(['h2', 'http/1.1']), 'http/1.1');
  assert.equal(await alpn(['h2']), 'h2');
});

test('a call nothing routes is UNIMPLEMENTED with the reason; HTTP/1.1 on the TLS listener still works', async () => {
  await assert.rejects(say('nothing.localhost', 'x'), (e: grpc.ServiceError) => {
    assert.equal(e.code, grpc.status.UNIMPLEMENTED);
    assert.match(
      e.details,
      /No GRPCRoute matches host "nothing.localhost" and method "\/demo.Echo\/Say", nor an Ingress rule with backend-protocol GRPC/,
    );
    return true;
  });
  const status = await new Promise<number>((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: h.tlsPort,
        path: '/',
        servername: 'nothing.localhost',
        headers: { Host: 'nothing.localhost' },
        ca: h.caPem,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    r.on('error', reject);
    r.end();
  });
  assert.equal(status, 404);
});
