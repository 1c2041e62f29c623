import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FetchFn } from './client';
import { createPrimedFetch } from './primed-fetch';

function recording() {
  const calls: Array<{ url: string; accept: string | null }> = [];
  const inner: FetchFn = (url, init = {}) => {
    calls.push({ url, accept: new Headers(init.headers).get('accept') });
    return Promise.resolve(new Response(`answer ${calls.length}`));
  };
  return { calls, inner };
}

test('an identical GET is answered by the primed request, once', async () => {
  const { calls, inner } = recording();
  const p = createPrimedFetch(inner);
  p.prime('/k8s/x/api/v1/pods?limit=500', 'table');
  assert.equal(calls.length, 1, 'asked at once');
  const first = await p.fetch('/k8s/x/api/v1/pods?limit=500', { headers: { Accept: 'table' } });
  assert.equal(await first.text(), 'answer 1');
  assert.equal(calls.length, 1, 'not asked again');
  const second = await p.fetch('/k8s/x/api/v1/pods?limit=500', { headers: { Accept: 'table' } });
  assert.equal(await second.text(), 'answer 2', 'a later identical GET goes out');
});

test('another URL, Accept, method or a body is not answered from it', async () => {
  const { calls, inner } = recording();
  const p = createPrimedFetch(inner);
  p.prime('/a', 'table');
  await p.fetch('/a', { headers: { Accept: 'application/json' } });
  await p.fetch('/b', { headers: { Accept: 'table' } });
  await p.fetch('/a', { method: 'POST', headers: { Accept: 'table' }, body: '{}' });
  assert.equal(calls.length, 4);
  assert.equal(await (await p.fetch('/a', { headers: { Accept: 'table' } })).text(), 'answer 1', 'still there for its match');
});

test('a primed request unused for ttlMs is dropped', async () => {
  const { calls, inner } = recording();
  let t = 0;
  const p = createPrimedFetch(inner, 1000, () => t);
  p.prime('/a', 'table');
  t = 1000;
  assert.equal(await (await p.fetch('/a', { headers: { Accept: 'table' } })).text(), 'answer 2');
  assert.equal(calls.length, 2);
});

test("the caller's abort signal still aborts its wait", async () => {
  let answer!: (r: Response) => void;
  const p = createPrimedFetch(() => new Promise<Response>((r) => (answer = r)));
  p.prime('/a', 'table');
  const ctl = new AbortController();
  const waiting = p.fetch('/a', { headers: { Accept: 'table' }, signal: ctl.signal });
  ctl.abort();
  await assert.rejects(waiting, { name: 'AbortError' });
  answer(new Response('late'));
});
