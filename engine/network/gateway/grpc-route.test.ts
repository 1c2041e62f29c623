// GRPCRoute through the ingress over a real API core: cleartext HTTP/2 calls routed by host and
// method to h2c "pods", trailers (grpc-status) passed back, header edits applied, route status as
// the conformance suite expects, and the proxy's own failures as gRPC statuses. HTTP/1 requests
// on the same listener keep working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as h2connect, createServer as createH2Server, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { eventually } from '../../apiserver/testing/test-cluster';
import type { KubeObject } from '../../kinds/types';
import { GATEWAY_RESOURCES as G } from './gateway-controller';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

let h: GatewayHarness;
let client: ClientHttp2Session;

/** A gRPC server that answers any call with "<pod> <path> <x-added header> <request message>". */
function grpcPod(name: string) {
  const s = createH2Server();
  s.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => {
      const msg = Buffer.concat(chunks).subarray(5).toString();
      const text = Buffer.from(`${name} ${headers[':path']} ${String(headers['x-added'] ?? '-')} ${msg}`);
      const frame = Buffer.alloc(5 + text.length);
      frame.writeUInt32BE(text.length, 1);
      text.copy(frame, 5);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'OK' }));
      stream.end(frame);
    });
  });
  return s;
}

interface CallResult {
  status: number;
  body: string;
  grpcStatus: string;
  grpcMessage: string;
}

function call(host: string, path: string, message = 'hi') {
  return new Promise<CallResult>((resolve, reject) => {
    const body = Buffer.alloc(5 + message.length);
    body.writeUInt32BE(message.length, 1);
    body.write(message, 5);
    const s = client.request({ ':method': 'POST', ':path': path, ':authority': host, 'content-type': 'application/grpc', te: 'trailers' });
    let status = 0;
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const data: Buffer[] = [];
    s.on('response', (hd: IncomingHttpHeaders) => {
      status = Number(hd[':status']);
      head = hd;
    });
    s.on('trailers', (t: IncomingHttpHeaders) => {
      trailers = t;
    });
    s.on('data', (d: Buffer) => data.push(d));
    s.on('end', () => {
      const all = { ...head, ...trailers };
      resolve({
        status,
        body: Buffer.concat(data).subarray(5).toString(),
        grpcStatus: String(all['grpc-status']),
        grpcMessage: decodeURIComponent(String(all['grpc-message'] ?? '')),
      });
    });
    s.on('error', reject);
    s.end(body);
  });
}

before(async () => {
  h = await startGatewayHarness();
  await h.addPod('10.244.2.1', grpcPod('echo'));
  await h.addPod('10.244.2.2', grpcPod('fallback'));
  await h.svc('default', 'echo', '10.244.2.1');
  await h.svc('default', 'fallback', '10.244.2.2');
  await h.t.client.create(G.gateways, 'default', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw' },
    spec: { gatewayClassName: 'skiff', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  });
  client = h2connect(`http://127.0.0.1:${h.port}`);
});

after(async () => {
  client?.close();
  await h.stop();
});

const grpcRoute = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GRPCRoute',
  metadata: { name, namespace: 'default' },
  spec: { parentRefs: [{ name: 'gw' }], ...spec },
});

test('a GRPCRoute routes calls by method, passes trailers and edits headers; status is Accepted', async () => {
  await h.t.client.create(
    G.grpcroutes,
    'default',
    grpcRoute('echo', {
      hostnames: ['grpc.localhost'],
      rules: [
        {
          matches: [{ method: { service: 'skiff.Echo', method: 'Say' } }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Added', value: 'yes' }] } }],
          backendRefs: [{ name: 'echo', port: 80 }],
        },
        { matches: [{ method: { service: 'skiff.Echo' } }], backendRefs: [{ name: 'fallback', port: 80 }] },
      ],
    }),
  );
  const r = (await eventually(async () => {
    const got = await call('grpc.localhost', '/skiff.Echo/Say');
    return got.grpcStatus === '0' && got;
  }, 'the call routed')) as CallResult;
  assert.equal(r.status, 200);
  assert.equal(r.body, 'echo /skiff.Echo/Say yes hi');
  assert.equal(r.grpcMessage, 'OK', 'trailers come back');
  assert.equal((await call('grpc.localhost', '/skiff.Echo/Shout', 'loud')).body, 'fallback /skiff.Echo/Shout - loud');

  type Cond = { type: string; status: string };
  const route = (await eventually(async () => {
    const g = await h.t.client.get(G.grpcroutes, 'default', 'echo');
    const conds = ((g.status as { parents?: { conditions: { type: string; status: string }[] }[] })?.parents ?? [])[0]?.conditions ?? [];
    return conds.some((c) => c.type === 'Accepted' && c.status === 'True') && conds;
  }, 'GRPCRoute Accepted')) as Cond[];
  assert.ok(route.some((c) => c.type === 'ResolvedRefs' && c.status === 'True'));
  const gw = await h.t.client.get(G.gateways, 'default', 'gw');
  const listener = (gw.status as { listeners: { attachedRoutes: number; supportedKinds: { kind: string }[] }[] }).listeners[0];
  assert.equal(listener.attachedRoutes, 1);
  assert.deepEqual(
    listener.supportedKinds.map((k) => k.kind),
    ['HTTPRoute', 'GRPCRoute'],
  );
});

test("the proxy's own failures are gRPC statuses: no route is UNIMPLEMENTED, no ready pod UNAVAILABLE", async () => {
  const none = await call('nothing.localhost', '/skiff.Echo/Say');
  assert.equal(none.status, 200);
  assert.equal(none.grpcStatus, '12');
  assert.match(none.grpcMessage, /No GRPCRoute matches host "nothing.localhost" and method "\/skiff.Echo\/Say"/);
  await h.t.client.create(
    G.grpcroutes,
    'default',
    grpcRoute('down', { hostnames: ['down.localhost'], rules: [{ backendRefs: [{ name: 'missing', port: 80 }] }] }),
  );
  const down = (await eventually(async () => {
    const got = await call('down.localhost', '/a.B/C');
    return got.grpcStatus !== '12' && got;
  }, 'the route served')) as CallResult;
  assert.equal(down.grpcStatus, '13');
  assert.match(down.grpcMessage, /GRPCRoute default\/down/);
});

test('HTTP/1.1 requests on the same listener still reach the Ingress path (404 without a rule)', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, path: '/', headers: { Host: 'plain.localhost' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 404);
});
