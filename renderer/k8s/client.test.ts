import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createK8sClient } from './client';
import { K8sError } from './errors';

test('requests go through the profile proxy with query and body; Status errors become K8sError', async () => {
  const seen: Array<{ url: string; init?: RequestInit }> = [];
  const c = createK8sClient({
    profile: 'skiff-local',
    fetch: async (url, init) => {
      seen.push({ url, init });
      if (url.includes('/missing'))
        return new Response(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "missing" not found' }), {
          status: 404,
        });
      return new Response('{"ok":true}');
    },
  });
  assert.deepEqual(
    await c.send(
      'PATCH',
      '/api/v1/namespaces/d/pods/a',
      { x: 1 },
      { contentType: 'application/merge-patch+json', query: { dryRun: 'All', empty: '' } },
    ),
    { ok: true },
  );
  assert.equal(seen[0].url, '/k8s/skiff-local/api/v1/namespaces/d/pods/a?dryRun=All');
  assert.equal((seen[0].init!.headers as Record<string, string>)['Content-Type'], 'application/merge-patch+json');
  await assert.rejects(c.getJson('/api/v1/namespaces/d/pods/missing'), (e: K8sError) => e.code === 404 && /not found/.test(e.message));
});

test('a send that fails without an answer (ERR_NETWORK_CHANGED) is repeated; a lasting failure says the host is gone', async () => {
  let calls = 0;
  const flaky = createK8sClient({
    profile: 'p',
    retryDelays: [1, 1],
    fetch: async () => {
      if (++calls < 3) throw new TypeError('Failed to fetch');
      return new Response('{}');
    },
  });
  await flaky.getJson('/api');
  assert.equal(calls, 3);
  const dead = createK8sClient({
    profile: 'p',
    retryDelays: [1],
    fetch: async () => {
      throw new TypeError('Failed to fetch');
    },
  });
  await assert.rejects(dead.getJson('/api'), (e: K8sError) => e.reason === 'Unreachable');
});

test('every 403 is told to onForbidden (with the path) before the caller sees it; other errors are not', async () => {
  const told: Array<{ code: number; path: string }> = [];
  const c = createK8sClient({
    profile: 'p',
    fetch: (url) =>
      Promise.resolve(
        new Response(JSON.stringify({ kind: 'Status', code: url.includes('secrets') ? 403 : 404, message: 'no' }), {
          status: url.includes('secrets') ? 403 : 404,
        }),
      ),
    onForbidden: (err, path) => told.push({ code: err.code, path }),
  });
  await assert.rejects(c.getJson('/api/v1/namespaces/a/secrets'), (e: K8sError) => e.code === 403);
  await assert.rejects(c.open('/api/v1/namespaces/a/pods'), (e: K8sError) => e.code === 404);
  assert.deepEqual(told, [{ code: 403, path: '/api/v1/namespaces/a/secrets' }]);
});
