import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostSession, establishSession, sessionFetch } from './session';
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

test('establishSession: the token leaves the address bar; a launch route stays as the fragment', async () => {
  const run = async (hash: string) => {
    const stored = new Map<string, string>();
    let url = `/${hash}`;
    const win = {
      location: { hash, pathname: '/', search: '' },
      history: { replaceState: (_s: unknown, _t: string, u: string) => void (url = u) },
      fetch: () => Promise.resolve(new Response(JSON.stringify({ secret: 'sek' }), { status: 200 })),
      sessionStorage: { setItem: (k: string, v: string) => void stored.set(k, v) },
    } as unknown as Window;
    await establishSession(win);
    return { url, secret: stored.get('skiff.session') };
  };
  const route = '/c/skiff-dev/core/pods?ns=kube-system';
  assert.deepEqual(await run(`#skiff-launch=tok&skiff-route=${encodeURIComponent(route)}`), { url: `/#${route}`, secret: 'sek' });
  assert.deepEqual(await run('#skiff-launch=tok'), { url: '/', secret: 'sek' });
  assert.deepEqual(await run('#skiff-launch=tok&skiff-route=javascript%3Aalert(1)'), { url: '/', secret: 'sek' });
});
