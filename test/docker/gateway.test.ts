// The Gateway API on real Docker with real kubectl (issue 18): the CRDs and the `skiff`
// GatewayClass are there after start, `kubectl apply` of a Gateway and HTTPRoutes, `kubectl get
// gateway` showing 127.0.0.1 and Programmed, an HTTPRoute with a 90/10 split sending exactly 100
// of 1,000 requests to the small backend, a header match, route status as conformance expects, and
// an HTTPS listener serving the certificate of the Secret its certificateRefs name, and a gRPC call
// (cleartext HTTP/2) routed by a GRPCRoute to a pod, its grpc-status trailer coming back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { connect as h2connect, type IncomingHttpHeaders } from 'node:http2';
import { dockerSkip } from './docker-available';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import Docker from 'dockerode';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { answersOn, getHost, kubectlOk } from './testing/ingress-http';

const skip = await dockerSkip();
let c: DockerCluster;
let port = 0;
const ok = (args: string[], input?: string) => kubectlOk(c, args, input);

const MANIFESTS = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web}
spec:
  gatewayClassName: skiff
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: "*.localhost"}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split}
spec:
  parentRefs: [{name: web}]
  hostnames: [split.localhost]
  rules:
  - matches: [{headers: [{name: X-Canary, value: "yes"}]}]
    backendRefs: [{name: small, port: 80}]
  - backendRefs:
    - {name: big, port: 80, weight: 90}
    - {name: small, port: 80, weight: 10}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: broken}
spec:
  parentRefs: [{name: web}]
  hostnames: [broken.localhost]
  rules:
  - backendRefs: [{name: missing, port: 80}]
`;

before(async () => {
  if (skip) return;
  c = await startDockerCluster(`gw${process.pid}`, 'skiff-gw-');
  port = c.cp.ingressPort!;
  assert.ok(port, 'the ingress listens');
  // Node backends (the agent image carries node): keep-alive and no Nagle delay, so 1,000 requests take little time.
  const image = await ensureAgentImage(new Docker());
  for (const name of ['big', 'small']) {
    const server = `require('http').createServer((q,r)=>r.end('${name} '+require('os').hostname())).listen(80)`;
    await ok(['create', 'deployment', name, `--image=${image}`, '--port=80', '--', 'node', '-e', server]);
    await ok(['expose', 'deployment', name, '--port=80']);
  }
});

after(async () => {
  if (skip) return;
  await c?.stop();
});

const jsonpath = (kind: string, name: string, path: string) => ok(['get', kind, name, '-o', `jsonpath=${path}`]);

describe('Gateway API', { skip }, () => {
  test('the CRDs and GatewayClass skiff are installed at start and accepted', async () => {
    const crds = await waitFor('Gateway API CRDs', async () => {
      const out = (await c.kubectl(['get', 'crd'])).stdout;
      return /httproutes\.gateway\.networking\.k8s\.io/.test(out) && out;
    });
    for (const n of ['gatewayclasses', 'gateways', 'grpcroutes', 'referencegrants'])
      assert.match(crds, new RegExp(`${n}\\.gateway\\.networking\\.k8s\\.io`));
    const gc = await waitFor('GatewayClass skiff Accepted', async () => {
      const out = (await c.kubectl(['get', 'gatewayclass', 'skiff'])).stdout;
      return /skiff\s+skiff\.dev\/gateway-controller\s+True/.test(out) && out;
    });
    assert.match(gc, /CONTROLLER\s+ACCEPTED\s+AGE/);
  });

  test('kubectl apply of a Gateway and routes: get gateway shows 127.0.0.1, routes are accepted or say why not', async () => {
    await ok(['apply', '-f', '-'], MANIFESTS);
    const gw = await waitFor('Gateway programmed', async () => {
      const out = (await c.kubectl(['get', 'gateway', 'web'])).stdout;
      return /web\s+skiff\s+127\.0\.0\.1\s+True/.test(out) && out;
    });
    assert.match(gw, /CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE/);
    await waitFor('attached routes', async () => (await jsonpath('gateway', 'web', '{.status.listeners[0].attachedRoutes}')) === '2');
    const cond = (route: string, type: string) =>
      jsonpath(
        'httproute',
        route,
        `{.status.parents[0].conditions[?(@.type=="${type}")].status}/{.status.parents[0].conditions[?(@.type=="${type}")].reason}`,
      );
    await waitFor('split accepted', async () => (await cond('split', 'Accepted')) === 'True/Accepted');
    assert.equal(await cond('split', 'ResolvedRefs'), 'True/ResolvedRefs');
    await waitFor('broken reports its backend', async () => (await cond('broken', 'ResolvedRefs')) === 'False/BackendNotFound');
    assert.equal((await getHost(port, 'broken.localhost')).status, 500);
  });

  test('a 90/10 weighted HTTPRoute sends exactly 100 (±1) of 1,000 requests to the small backend; a header match picks it', async () => {
    await answersOn(port, 'split.localhost', '/', /^small small-/, { 'X-Canary': 'yes' });
    // Both backends answer before counting (the small pod may come up later than the big one).
    await waitFor('both backends answering', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++) seen.add((await getHost(port, 'split.localhost').catch(() => ({ body: '' }))).body.split(' ')[0]);
      return seen.has('big') && seen.has('small');
    });
    // Ten clients at once; the proxy still picks one backend at a time, so the split stays exact.
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    let small = 0;
    let other = 0;
    try {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let i = 0; i < 100; i++) {
            const r = await getHost(port, 'split.localhost', '/', { agent });
            if (r.body.startsWith('small ')) small++;
            else if (!r.body.startsWith('big ')) other++;
          }
        }),
      );
    } finally {
      agent.destroy();
    }
    assert.equal(other, 0, 'every request answered by a backend');
    assert.ok(Math.abs(small - 100) <= 1, `the small backend got ${small} of 1,000`);
  });
  test('an HTTPS listener terminates TLS with its certificateRefs Secret; a missing Secret is InvalidCertificateRef', async () => {
    // A user's own certificate, made as users make them (openssl), stored with `kubectl create secret tls`.
    const crt = join(c.dir, 'secure.crt');
    const key = join(c.dir, 'secure.key');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=secure.example.test',
        '-addext',
        'subjectAltName=DNS:secure.example.test',
        '-keyout',
        key,
        '-out',
        crt,
      ],
      { stdio: 'ignore' },
    );
    await ok(['create', 'secret', 'tls', 'secure', `--cert=${crt}`, `--key=${key}`]);
    await ok(
      ['apply', '-f', '-'],
      `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: tls}
spec:
  gatewayClassName: skiff
  listeners:
  - {name: secure, port: 443, protocol: HTTPS, hostname: secure.example.test, tls: {certificateRefs: [{name: secure}]}}
  - {name: nocert, port: 443, protocol: HTTPS, hostname: nocert.example.test, tls: {certificateRefs: [{name: nope}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: secure}
spec:
  parentRefs: [{name: tls, sectionName: secure}]
  hostnames: [secure.example.test]
  rules:
  - backendRefs: [{name: big, port: 80}]
`,
    );
    const listener = (name: string, type: string) =>
      jsonpath('gateway', 'tls', `{.status.listeners[?(@.name=="${name}")].conditions[?(@.type=="${type}")].reason}`);
    await waitFor('the missing Secret reported', async () => (await listener('nocert', 'ResolvedRefs')) === 'InvalidCertificateRef');
    await waitFor('the secure listener resolved', async () => (await listener('secure', 'ResolvedRefs')) === 'ResolvedRefs');
    const tlsPort = await c.cp.ingress!.tlsListening;
    assert.ok(tlsPort, 'the HTTPS listener is up');
    const pem = readFileSync(crt, 'utf8');
    const fetchOnce = () =>
      new Promise<{ body: string; fingerprint: string }>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'secure.example.test', ca: pem }, () => {
          s.write('GET / HTTP/1.1\r\nHost: secure.example.test\r\nConnection: close\r\n\r\n');
        });
        let body = '';
        s.on('data', (d) => (body += String(d)));
        s.on('end', () => resolve({ body, fingerprint: s.getPeerCertificate().fingerprint256 }));
        s.on('error', reject);
        s.setTimeout(5000, () => s.destroy(new Error('timed out')));
      });
    const got = await waitFor('HTTPS answered by the backend', async () => {
      const r = await fetchOnce().catch(() => undefined);
      return r && /^HTTP\/1.1 200/.test(r.body) && r;
    });
    assert.match(got.body, /big big-/);
    assert.equal(got.fingerprint, new X509Certificate(pem).fingerprint256, "the Secret's certificate is served");
  });
  test('a GRPCRoute sends a gRPC call over cleartext HTTP/2 to the pod and passes its trailers back', async () => {
    const image = await ensureAgentImage(new Docker());
    // A gRPC-shaped server (length-prefixed messages, grpc-status trailer) from node's http2.
    const server = [
      "const h2=require('http2'),os=require('os');",
      "h2.createServer().on('stream',(s,h)=>{const c=[];s.on('data',d=>c.push(d));s.on('end',()=>{",
      "const t=Buffer.from(os.hostname()+' '+h[':path']+' '+Buffer.concat(c).subarray(5));const f=Buffer.alloc(5+t.length);f.writeUInt32BE(t.length,1);t.copy(f,5);",
      "s.respond({':status':200,'content-type':'application/grpc'},{waitForTrailers:true});s.on('wantTrailers',()=>s.sendTrailers({'grpc-status':'0'}));s.end(f)})}).listen(80)",
    ].join('');
    await ok(['create', 'deployment', 'greeter', `--image=${image}`, '--port=80', '--', 'node', '-e', server]);
    await ok(['expose', 'deployment', 'greeter', '--port=80']);
    await ok(
      ['apply', '-f', '-'],
      `
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: greeter}
spec:
  parentRefs: [{name: web}]
  hostnames: [greeter.localhost]
  rules:
  - matches: [{method: {service: skiff.Greeter}}]
    backendRefs: [{name: greeter, port: 80}]
`,
    );
    const client = h2connect(`http://127.0.0.1:${port}`);
    try {
      const callOnce = () =>
        new Promise<{ body: string; grpcStatus: string }>((resolve, reject) => {
          const msg = Buffer.from('\0\0\0\0\u0005hello');
          const st = client.request({
            ':method': 'POST',
            ':path': '/skiff.Greeter/Hello',
            ':authority': 'greeter.localhost',
            'content-type': 'application/grpc',
            te: 'trailers',
          });
          let grpcStatus = '';
          const data: Buffer[] = [];
          st.on('response', (h: IncomingHttpHeaders) => (grpcStatus = String(h['grpc-status'] ?? '')));
          st.on('trailers', (t: IncomingHttpHeaders) => (grpcStatus = String(t['grpc-status'] ?? grpcStatus)));
          st.on('data', (d: Buffer) => data.push(d));
          st.on('end', () => resolve({ body: Buffer.concat(data).subarray(5).toString(), grpcStatus }));
          st.on('error', reject);
          st.setTimeout(5000, () => st.close());
          st.end(msg);
        });
      const got = await waitFor('the gRPC call answered by the pod', async () => {
        const r = await callOnce().catch(() => undefined);
        return r?.grpcStatus === '0' && r;
      });
      assert.match(got.body, /^greeter-[a-z0-9]+-[a-z0-9]+ \/skiff\.Greeter\/Hello hello$/);
    } finally {
      client.close();
    }
    await waitFor(
      'GRPCRoute Accepted',
      async () => (await jsonpath('grpcroute', 'greeter', '{.status.parents[0].conditions[?(@.type=="Accepted")].status}')) === 'True',
    );
  });
});
