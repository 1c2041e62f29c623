import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostClient, HostRequestError, type EventSourceLike } from './host-client';

test('JSON errors keep the host\u2019s message and hint; network failures say what to do', async () => {
  const client = createHostClient({
    fetch: async (url) => {
      if (url.endsWith('/api/clusters')) return new Response(JSON.stringify({ error: 'name taken', hint: 'pick another' }), { status: 409 });
      if (url.endsWith('/api/app')) throw new TypeError('Failed to fetch');
      return new Response('nope', { status: 401 });
    },
    eventSource: () => { throw new Error('unused'); },
    retryDelays: [1],
  });
  await assert.rejects(client.startCluster({ name: 'x' }), (e: HostRequestError) => e.message === 'name taken' && e.hint === 'pick another' && e.status === 409);
  await assert.rejects(client.app(), (e: HostRequestError) => /did not answer/.test(e.message) && /running/.test(e.hint ?? ''));
  await assert.rejects(client.profiles(), (e: HostRequestError) => e.status === 401 && /launch URL/.test(e.hint ?? ''));
});

test('events are parsed; malformed ones skipped; connection state reported', () => {
  const es: EventSourceLike = { onmessage: null, onopen: null, onerror: null, close() { closed = true; } };
  let closed = false;
  const client = createHostClient({ fetch: async () => new Response('{}'), eventSource: () => es });
  const events: unknown[] = [];
  const conn: boolean[] = [];
  const stop = client.subscribe((e) => events.push(e), (c) => conn.push(c));
  es.onopen!();
  es.onmessage!({ data: '{"type":"cluster-deleted","name":"a"}' });
  es.onmessage!({ data: '{broken' });
  es.onerror!();
  stop();
  assert.deepEqual(events, [{ type: 'cluster-deleted', name: 'a' }]);
  assert.deepEqual(conn, [true, false]);
  assert.ok(closed);
});
