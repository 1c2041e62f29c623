import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostClient, HostRequestError, type EventSourceLike } from './host-client';

test('JSON errors keep the host\u2019s message and hint; network failures say what to do', async () => {
  const client = createHostClient({
    fetch: async (url) => {
      if (url.endsWith('/api/clusters'))
        return new Response(JSON.stringify({ error: 'name taken', hint: 'pick another' }), { status: 409 });
      if (url.endsWith('/api/app')) throw new TypeError('Failed to fetch');
      return new Response('nope', { status: 401 });
    },
    eventSource: () => {
      throw new Error('unused');
    },
    retryDelays: [1],
  });
  await assert.rejects(
    client.startCluster({ name: 'x' }),
    (e: HostRequestError) => e.message === 'name taken' && e.hint === 'pick another' && e.status === 409,
  );
  await assert.rejects(client.app(), (e: HostRequestError) => /did not answer/.test(e.message) && /running/.test(e.hint ?? ''));
  await assert.rejects(client.profiles(), (e: HostRequestError) => e.status === 401 && /launch URL/.test(e.hint ?? ''));
});

test('events are parsed; malformed ones skipped; connection state reported', () => {
  const es: EventSourceLike = {
    onmessage: null,
    onopen: null,
    onerror: null,
    close() {
      closed = true;
    },
  };
  let closed = false;
  const client = createHostClient({ fetch: async () => new Response('{}'), eventSource: () => es });
  const events: unknown[] = [];
  const conn: boolean[] = [];
  const stop = client.subscribe(
    (e) => events.push(e),
    (c) => conn.push(c),
  );
  es.onopen!();
  es.onmessage!({ data: '{"type":"cluster-deleted","name":"a"}' });
  es.onmessage!({ data: '{broken' });
  es.onerror!();
  stop();
  assert.deepEqual(events, [{ type: 'cluster-deleted', name: 'a' }]);
  assert.deepEqual(conn, [true, false]);
  assert.ok(closed);
});

test('profile calls: names are one encoded path segment; consent sends back only command, args and env; kubeconfig is text', async () => {
  const calls: Array<{ url: string; method?: string; body?: unknown }> = [];
  const client = createHostClient({
    fetch: async (url, init) => {
      calls.push({ url, method: init?.method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      if (url.endsWith('/kubeconfig'))
        return new Response('apiVersion: v1\nkind: Config\n', { headers: { 'Content-Type': 'application/yaml' } });
      return new Response('{"name":"x"}');
    },
    eventSource: () => {
      throw new Error('unused');
    },
  });
  const exec = { command: '/bin/plug', args: ['--a'], env: [{ name: 'K', value: 'v' }], via: 'exec' as const, consented: false };
  await client.allowExec('team/a:b', exec);
  await client.checkProfile('a b');
  await client.setAllowedNamespaces('p', ['x', 'y']);
  await client.removeProfileSource('src/1');
  assert.equal(await client.profileKubeconfig('p@f.yaml'), 'apiVersion: v1\nkind: Config\n');
  assert.deepEqual(
    calls.map((c) => [c.method, c.url, c.body]),
    [
      ['POST', '/api/profiles/team%2Fa%3Ab/consent', { command: '/bin/plug', args: ['--a'], env: [{ name: 'K', value: 'v' }] }],
      ['POST', '/api/profiles/a%20b/check', undefined],
      ['PUT', '/api/profiles/p/namespaces', { namespaces: ['x', 'y'] }],
      ['DELETE', '/api/profile-sources/src%2F1', undefined],
      ['GET', '/api/profiles/p%40f.yaml/kubeconfig', undefined],
    ],
  );
});
