import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostSession, sessionFetch } from './session';
import { fetchEventSource } from './fetch-event-source';

const ORIGIN = 'http://127.0.0.1:4000';

test('the session header goes to our own origin only, and the subprotocol follows the caller’s', async () => {
  const store = new Map([['skiff.session', 's3cret']]);
  const session = createHostSession({ getItem: (k) => store.get(k) ?? null });
  const seen: { url: string; header: string | null }[] = [];
  const fetch = sessionFetch(
    (url, init) => {
      seen.push({ url, header: new Headers(init?.headers).get('X-Skiff-Session') });
      return Promise.resolve(new Response(''));
    },
    session,
    ORIGIN,
  );
  await fetch('/api/profiles', { headers: { Accept: 'application/json' } });
  await fetch(`${ORIGIN}/k8s/p/api`);
  await fetch('http://127.0.0.1:4001/elsewhere');
  assert.deepEqual(
    seen.map((s) => s.header),
    ['s3cret', 's3cret', null],
  );
  assert.deepEqual(session.protocols(['v5.channel.k8s.io']), ['v5.channel.k8s.io', 'skiff-session.s3cret']);
  store.clear();
  assert.deepEqual(session.protocols(['v5.channel.k8s.io']), ['v5.channel.k8s.io']);
});

test('events over fetch: each data line is a message; a drop reports an error and reconnects', async () => {
  let calls = 0;
  const got: string[] = [];
  let errors = 0;
  const es = fetchEventSource(
    () => {
      calls++;
      return Promise.resolve(new Response(calls === 1 ? 'data: {"a":1}\n\n: ping\n\ndata: {"b":2}\n\n' : 'data: {"c":3}\n\n'));
    },
    '/api/events',
    5,
  );
  es.onmessage = (ev) => got.push(ev.data);
  es.onerror = () => errors++;
  for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
  es.close();
  assert.deepEqual(got.slice(0, 3), ['{"a":1}', '{"b":2}', '{"c":3}']);
  assert.ok(errors >= 1);
});
