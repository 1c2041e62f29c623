// The controller over a real API core: its IngressClass, the default class admission, status,
// routing to ready endpoints (pod IPs mapped onto a loopback backend), 503 and warnings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalhostCa } from '../../pki/localhost-ca';
import { startTestCore, eventually, type TestCluster } from '../../apiserver/testing/test-cluster';
import { R, type ResourceRef } from '../../client/types';
import { startIngressController, type IngressController } from './ingress-controller';
import { classController, ingressAddresses, ingressSpec } from './ingress-types';

const ING: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };
const CLASSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' };
let t: TestCluster;
let ctl: IngressController;
let backend: Server;
let port = 0;
let tlsPort = 0;
let pkiDir = '';

before(async () => {
  t = await startTestCore();
  pkiDir = mkdtempSync(join(tmpdir(), 'skiff-ing-pki-'));
  backend = createServer((req, res) => res.end(`pod ${req.headers.host} ${String(req.headers['x-forwarded-proto'])}`));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  const backendPort = (backend.address() as AddressInfo).port;
  ctl = startIngressController({
    client: t.client,
    httpPort: 0,
    httpsPort: 0,
    pkiDir,
    dialer: {
      target: (_b, ep) => ep,
      // Every pod IP is this test's backend on loopback.
      connect: () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(backendPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        }),
    },
  });
  port = await ctl.listening;
  tlsPort = (await ctl.tlsListening)!;
});

after(async () => {
  await ctl.stop();
  backend.close();
  await t.close();
  rmSync(pkiDir, { recursive: true, force: true });
});

function get(host: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const slice = (ready: boolean) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: '', port: 8080, protocol: 'TCP' }],
  endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready } }],
});
const ingress = (name: string, host: string, svc: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default' },
  spec: {
    ...extra,
    rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc, port: { number: 80 } } } }] } }],
  },
});

test('creates the default IngressClass skiff; a new Ingress without a class gets it', async () => {
  const cls = await eventually(() => t.client.get(CLASSES, undefined, 'skiff').catch(() => undefined), 'IngressClass skiff');
  assert.equal(cls!.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
  assert.equal(classController(cls!), 'skiff.dev/ingress');
  const created = await t.client.create(ING, 'default', ingress('web', 'web.localhost', 'web'));
  assert.equal(ingressSpec(created).ingressClassName, 'skiff');
});

test('routes to ready endpoints, fills status, answers 503 when none is ready and recovers', async () => {
  await t.client.create(R.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { ports: [{ port: 80, targetPort: 8080 }] },
  });
  await t.client.create(R.endpointslices, 'default', slice(true));
  const ok = await eventually(async () => {
    const r = await get('web.localhost');
    return r.status === 200 && r;
  }, 'a routed request');
  assert.equal((ok as { body: string }).body, 'pod web.localhost http');
  const st = await eventually(
    async () =>
      ingressAddresses(await t.client.get(ING, 'default', 'web')).length && ingressAddresses(await t.client.get(ING, 'default', 'web')),
    'status',
  );
  assert.deepEqual(st, [{ ip: '127.0.0.1' }]);
  await t.client.update(R.endpointslices, 'default', slice(false));
  const down = await eventually(async () => {
    const r = await get('web.localhost');
    return r.status === 503 && r;
  }, '503');
  assert.match((down as { body: string }).body, /Service default\/web:80 has no ready endpoints/);
  await t.client.update(R.endpointslices, 'default', slice(true));
  await eventually(async () => (await get('web.localhost')).status === 200, 'recovered');
});

test('warns on an Ingress whose Service is missing; leaves other classes alone', async () => {
  await t.client.create(ING, 'default', ingress('broken', 'broken.localhost', 'nope'));
  const ev = await eventually(async () => {
    const list = (await t.client.list(R.events, 'default')).items;
    return list.find((e) => (e.involvedObject as { name?: string } | undefined)?.name === 'broken' && e.reason === 'ServiceNotFound');
  }, 'a ServiceNotFound event');
  assert.equal(ev!.type, 'Warning');
  assert.match(String(ev!.message), /Service default\/nope not found/);
  assert.equal((await get('broken.localhost')).status, 503);

  await t.client.create(ING, 'default', ingress('other', 'other.localhost', 'web', { ingressClassName: 'istio' }));
  await ctl.synced();
  assert.equal((await get('other.localhost')).status, 404);
  assert.deepEqual(ingressAddresses(await t.client.get(ING, 'default', 'other')), []);
  await t.client.create(ING, 'default', ingress('aliased', 'aliased.localhost', 'web', { ingressClassName: 'nginx' }));
  await eventually(async () => (await get('aliased.localhost')).status === 200, 'the nginx alias served');
});

/** One HTTPS request with the given TLS server name; resolves with the peer certificate and the body. */
function tlsGet(servername: string, ca?: string): Promise<{ cert: PeerCertificate; body: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername, ca, rejectUnauthorized: false }, () => {
      s.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
    });
    let got = '';
    s.on('data', (d) => (got += String(d)));
    s.on('end', () => resolve({ cert: s.getPeerCertificate(), body: got.split('\r\n\r\n').pop()!, authorized: s.authorized }));
    s.on('error', reject);
  });
}

test('HTTPS: a leaf per <name>.localhost from the localhost CA; a TLS Secret for its host; none for the app', async () => {
  const caPem = readFileSync(join(pkiDir, 'localhost-ca.crt'), 'utf8');
  const web = await tlsGet('web.localhost', caPem);
  assert.ok(web.authorized, 'the leaf verifies against the localhost CA');
  assert.equal(web.cert.subject.CN, 'web.localhost');
  assert.equal(web.body, 'pod web.localhost https');

  const other = await loadOrCreateLocalhostCa(mkdtempSync(join(tmpdir(), 'skiff-ing-other-')));
  const leaf = await other.issue('secure.example');
  await t.client.create(R.secrets, 'default', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'secure-tls', namespace: 'default' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(leaf.cert).toString('base64'), 'tls.key': Buffer.from(leaf.key).toString('base64') },
  });
  await t.client.create(ING, 'default', {
    ...ingress('secure', 'secure.example', 'web'),
    spec: { ...ingress('secure', 'secure.example', 'web').spec, tls: [{ hosts: ['secure.example'], secretName: 'secure-tls' }] },
  });
  const want = new X509Certificate(leaf.cert).fingerprint256;
  const got = await eventually(async () => {
    const r = await tlsGet('secure.example');
    return r.cert.fingerprint256 === want && r;
  }, 'the Secret certificate for secure.example');
  assert.equal((got as { body: string }).body, 'pod secure.example https');
  // Plain HTTP to a host with TLS is redirected, as ingress-nginx does by default.
  const plainHttp = await eventually(async () => {
    const r = await get('secure.example');
    return r.status === 308 && r;
  }, 'a redirect to HTTPS');
  assert.match((plainHttp as { body: string }).body, new RegExp(`https://secure\\.example:${tlsPort}/`));

  // The handshake itself fails: no certificate is ever shown for the app's names.
  const app = await tlsGet('skiff-x.localhost').catch((e: Error) => e);
  assert.ok(
    app instanceof Error || !app.cert?.subject,
    `no certificate for skiff-x.localhost (${JSON.stringify(app instanceof Error ? app.message : app.cert?.subject)})`,
  );
  await t.client.create(ING, 'default', {
    ...ingress('nosecret', 'n.example', 'web'),
    spec: { ...ingress('nosecret', 'n.example', 'web').spec, tls: [{ hosts: ['n.example'], secretName: 'missing' }] },
  });
  await eventually(async () => {
    const list = (await t.client.list(R.events, 'default')).items;
    return list.some((e) => (e.involvedObject as { name?: string } | undefined)?.name === 'nosecret' && e.reason === 'SecretNotFound');
  }, 'a SecretNotFound event');
});
