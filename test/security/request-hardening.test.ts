// Issue 12, finding 2: single requests that crashed the cluster process or answered 500 now get
// a 4xx Status, and the server keeps answering /readyz after each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApiFixture, type ApiFixture } from '../integration/api-fixture';
import { apiCaller, rawCall, rawStatus } from './testing/api-call';
import { waitFor } from '../wait-for';

let f: ApiFixture;
let api: ReturnType<typeof apiCaller>;
const logs: string[] = [];
before(async () => {
  f = await startApiFixture({ log: (l) => logs.push(l) });
  api = apiCaller(f);
});
after(async () => {
  api?.close();
  await f?.close();
});

const CM = '/api/v1/namespaces/default/configmaps';

function assertStatus(r: { status: number; json: any; text: string }, what: string, codes = [400, 422]) {
  assert.ok(codes.includes(r.status), `${what}: expected ${codes.join('/')}, got ${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(r.json?.kind, 'Status', `${what}: not a Status: ${r.text.slice(0, 300)}`);
  assert.equal(r.json.code, r.status, what);
}

async function assertReady() {
  const r = await api.call('GET', '/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.text, 'ok');
}

test('the ~60 KB nested YAML body ×10 is a 400 and the server stays up', async () => {
  const body = 'a: ' + '['.repeat(30_000) + ']'.repeat(30_000);
  for (let i = 0; i < 10; i++) {
    const r = await api.call('POST', CM, body, { 'Content-Type': 'application/yaml' });
    assertStatus(r, `nested YAML #${i}`, [400]);
    assert.match(r.json.message, /exceeded max depth/);
  }
  // Block nesting (compact sequences, indentation) is bounded too.
  const dashes = '- '.repeat(20_000) + 'x';
  assertStatus(await api.call('POST', CM, dashes, { 'Content-Type': 'application/yaml' }), 'nested block YAML', [400]);
  await assertReady();
});

test('ordinary YAML still decodes (depth well under the bound)', async () => {
  const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-ok\n  labels: {a: "b"}\ndata:\n  script: |\n    [[[[ not nesting ]]]]\n  k: 'it''s [fine'\n`;
  const r = await api.call('POST', CM, yaml, { 'Content-Type': 'application/yaml' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.data.k, "it's [fine");
});

test('deep JSON bodies and patches (100k) are 400, not 500', async () => {
  const deep = '{"metadata":{"name":"deep"},"x":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
  assertStatus(await api.call('POST', CM, deep), 'deep JSON create', [400]);
  await api.call('POST', CM, JSON.stringify({ metadata: { name: 'patched' } }));
  const merge = '{"data":' + '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000) + '}';
  assertStatus(await api.call('PATCH', `${CM}/patched`, merge, { 'Content-Type': 'application/merge-patch+json' }), 'deep merge patch');
  assertStatus(
    await api.call('PATCH', `${CM}/patched`, merge, { 'Content-Type': 'application/strategic-merge-patch+json' }),
    'deep strategic patch',
  );
  const jsonPatch = '[{"op":"add","path":"/data/x","value":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}]';
  assertStatus(await api.call('PATCH', `${CM}/patched`, jsonPatch, { 'Content-Type': 'application/json-patch+json' }), 'deep JSON patch');
  // Just under the JSON bound: accepted (the unknown field dropped) or refused, never a 5xx.
  const nearBound = '{"metadata":{"name":"near"},"x":' + '['.repeat(9_990) + ']'.repeat(9_990) + '}';
  const near = await api.call('POST', CM, nearBound);
  assert.ok(near.status === 201 || near.status === 400, `${near.status} ${near.text.slice(0, 200)}`);
  await assertReady();
});

test('a 5,000-deep CRD schema is a 4xx', async () => {
  // Built as text: JSON.stringify itself cannot take this depth.
  const schema = '{"type":"object","properties":{"a":'.repeat(5_000) + '{"type":"string"}' + '}}'.repeat(5_000);
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'deeps.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'deeps', singular: 'deep', kind: 'Deep' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: schema } } } },
      ],
    },
  };
  assertStatus(await api.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd)), 'deep CRD schema');
  await assertReady();
});

test('integer query parameters beyond int64 and malformed paths are 400/404', async () => {
  for (const q of ['limit=99999999999999999999', 'limit=1e3', 'limit=0x10', 'limit=-99999999999999999999']) {
    const r = await api.call('GET', `/api/v1/pods?${q}`);
    assertStatus(r, q, [400]);
  }
  assert.equal((await api.call('GET', '/api/v1/pods?limit=9223372036854775807')).status, 200);
  for (const p of ['/apis/%', '/api/v1/namespaces/%zz/pods', '/apis/%E0%A4%A']) assertStatus(await api.call('GET', p), p, [400, 404]);
  await assertReady();
});

test('malformed HTTP and DELETE bodies get a Status body', async () => {
  const del = await api.call('DELETE', `${CM}/nothing`, '{"propagationPolicy":', {});
  assertStatus(del, 'DELETE with malformed body', [400]);
  const bad = await rawCall(f, 'GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nBad Header: \x01\r\nConnection: close\r\n\r\n');
  assert.equal(bad.status, 400, bad.text);
  assert.equal(rawStatus(bad.text)?.kind, 'Status', bad.text);
  const chunked = await rawCall(
    f,
    'DELETE /api/v1/namespaces/default/configmaps/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n',
  );
  assert.equal(chunked.status, 400, chunked.text);
  assert.equal(rawStatus(chunked.text)?.kind, 'Status', chunked.text);
  await assertReady();
});

test('a client over its in-flight limit gets 429 with Retry-After', async () => {
  const limited = await startApiFixture({ maxRequestsInflight: 2 });
  const c = apiCaller(limited, { maxSockets: 8 });
  try {
    // Slow requests: bodies that never finish hold their slots.
    const { request } = await import('node:https');
    const held = [0, 1].map(() => {
      const req = request(`${limited.server.url}${CM}`, {
        method: 'POST',
        ca: limited.pki.caCert,
        cert: limited.pki.adminCert,
        key: limited.pki.adminKey,
        headers: { 'Content-Type': 'application/json', 'Content-Length': '100' },
      });
      req.on('error', () => {});
      req.write('{');
      return req;
    });
    // The two slots are taken once the server has started reading both bodies.
    const r = await waitFor(
      'a 429',
      async () => {
        const x = await c.call('GET', '/api/v1/namespaces');
        return x.status === 429 && x;
      },
      10_000,
      50,
    );
    assert.equal(r.json.reason, 'TooManyRequests');
    assert.equal(r.headers['retry-after'], '1');
    // Watches are long-running: they take no slot and still start.
    const w = await new Promise<number>((resolve, reject) => {
      const req = request(`${limited.server.url}/api/v1/namespaces?watch=true&timeoutSeconds=1`, {
        ca: limited.pki.caCert,
        cert: limited.pki.adminCert,
        key: limited.pki.adminKey,
      });
      req.on('response', (res) => {
        resolve(res.statusCode!);
        res.destroy();
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(w, 200);
    for (const h of held) h.destroy();
    await waitFor('the slots given back', async () => (await c.call('GET', '/api/v1/namespaces')).status === 200, 10_000, 50);
  } finally {
    c.close();
    await limited.close();
  }
});

test('a client that never finishes its TLS handshake is dropped', async () => {
  const quick = await startApiFixture({ tlsHandshakeTimeoutMs: 300 });
  try {
    const { connect } = await import('node:net');
    const url = new URL(quick.server.url);
    const s = connect(Number(url.port), url.hostname);
    // Nothing is sent: the server must close the connection itself.
    await new Promise<void>((resolve, reject) => {
      s.on('close', () => resolve());
      s.on('error', () => {});
      setTimeout(() => reject(new Error('the server kept a silent connection open')), 10_000).unref();
    });
  } finally {
    await quick.close();
  }
});

test('no request above answered 5xx (nothing logged as an internal error)', () => {
  assert.deepEqual(
    logs.filter((l) => l.includes('internal error')),
    [],
  );
});
