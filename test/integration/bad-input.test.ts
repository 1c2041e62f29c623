// Bad input never crashes the server, never answers 5xx, never changes the store:
// every case gets a Kubernetes Status with a 4xx code and a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startApiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
before(async () => {
  f = await startApiFixture();
});
after(async () => {
  await f?.close();
});

function call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, auth = true) {
  return new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = request(
      `${f.server.url}${path}`,
      {
        method,
        ca: f.pki.caCert,
        ...(auth ? { cert: f.pki.adminCert, key: f.pki.adminKey } : {}),
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode!, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const cases: {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  code: number;
  reason: string;
  message?: RegExp;
}[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: '{"metadata": {',
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'malformed YAML',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: 'metadata: [unclosed',
    headers: { 'Content-Type': 'application/yaml' },
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'a JSON array body',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: '[1,2]',
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'wrong type for replicas',
    method: 'POST',
    path: '/apis/apps/v1/namespaces/default/deployments',
    body: JSON.stringify({
      metadata: { name: 'd' },
      spec: {
        replicas: 'three',
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    }),
    code: 400,
    reason: 'BadRequest',
    message: /cannot unmarshal string/,
  },
  {
    name: 'wrong type for metadata',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ metadata: 'x' }),
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'wrong type for data values',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ metadata: { name: 'x' }, data: { a: 1 } }),
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'oversized body',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: Buffer.alloc(4 * 1024 * 1024, 'a'),
    code: 413,
    reason: 'RequestEntityTooLarge',
  },
  {
    name: 'bad name',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ metadata: { name: 'Not_OK' } }),
    code: 422,
    reason: 'Invalid',
    message: /RFC 1123/,
  },
  {
    name: 'missing name',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ metadata: {} }),
    code: 422,
    reason: 'Invalid',
    message: /name or generateName is required/,
  },
  {
    name: 'too-long label value',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ metadata: { name: 'x', labels: { a: 'v'.repeat(64) } } }),
    code: 422,
    reason: 'Invalid',
  },
  { name: 'unknown kind', method: 'GET', path: '/api/v1/namespaces/default/widgets', code: 404, reason: 'NotFound' },
  { name: 'unknown group', method: 'GET', path: '/apis/example.com/v1/widgets', code: 404, reason: 'NotFound' },
  {
    name: 'mismatched kind',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }),
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'namespace mismatch',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: JSON.stringify({ metadata: { name: 'x', namespace: 'other' } }),
    code: 400,
    reason: 'BadRequest',
  },
  {
    name: 'unsupported patch type',
    method: 'PATCH',
    path: '/api/v1/namespaces/default/services/kubernetes',
    body: '{}',
    headers: { 'Content-Type': 'text/plain' },
    code: 415,
    reason: 'UnsupportedMediaType',
  },
  {
    name: 'malformed JSON patch',
    method: 'PATCH',
    path: '/api/v1/namespaces/default/services/kubernetes',
    body: '[{"op":',
    headers: { 'Content-Type': 'application/json-patch+json' },
    code: 400,
    reason: 'BadRequest',
  },
  // As upstream: a well-formed JSON patch that cannot apply is 422 with a generic message.
  {
    name: 'inapplicable JSON patch',
    method: 'PATCH',
    path: '/api/v1/namespaces/default/services/kubernetes',
    body: '[{"op":"explode"}]',
    headers: { 'Content-Type': 'application/json-patch+json' },
    code: 422,
    reason: 'Invalid',
  },
  {
    name: 'strict unknown field',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps?fieldValidation=Strict',
    body: JSON.stringify({ metadata: { name: 'x' }, bogus: true }),
    code: 400,
    reason: 'BadRequest',
    message: /unknown field "bogus"/,
  },
  { name: 'bad label selector', method: 'GET', path: '/api/v1/pods?labelSelector=a%20in%20(', code: 400, reason: 'BadRequest' },
  {
    name: 'bad field selector',
    method: 'GET',
    path: '/api/v1/pods?fieldSelector=spec.nope%3D1',
    code: 400,
    reason: 'BadRequest',
    message: /field label not supported/,
  },
  { name: 'bad continue token', method: 'GET', path: '/api/v1/pods?limit=1&continue=garbage', code: 400, reason: 'BadRequest' },
  {
    name: 'port out of range',
    method: 'POST',
    path: '/api/v1/namespaces/default/services',
    body: JSON.stringify({ metadata: { name: 's' }, spec: { ports: [{ port: 70000 }] } }),
    code: 422,
    reason: 'Invalid',
    message: /between 1 and 65535/,
  },
];

test('bad input gets 4xx Status and leaves the store unchanged', async () => {
  const before = await f.store.currentRevision();
  for (const c of cases) {
    const r = await call(c.method, c.path, c.body, c.headers);
    assert.equal(r.status, c.code, `${c.name}: expected ${c.code}, got ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    assert.equal(r.json.kind, 'Status', c.name);
    assert.equal(r.json.reason, c.reason, `${c.name}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.code, c.code, c.name);
    if (c.message) assert.match(r.json.message, c.message, c.name);
  }
  assert.equal(await f.store.currentRevision(), before, 'the store must be unchanged');
  // The server still answers.
  assert.equal((await call('GET', '/readyz')).status, 200);
});

test('no credentials is 401', async () => {
  const r = await call('GET', '/api/v1/namespaces', undefined, {}, false);
  assert.equal(r.status, 401);
  assert.equal(r.json.reason, 'Unauthorized');
  const t = await call('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer wrong' }, false);
  assert.equal(t.status, 401);
  const good = await call('GET', '/api/v1/namespaces', undefined, { Authorization: `Bearer ${f.pki.adminToken}` }, false);
  assert.equal(good.status, 200);
});
