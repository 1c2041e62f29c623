import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kinds/types';
import { createPodTokens, type TokenSource } from './pod-tokens';

const pod = (uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'ns', uid } });

function fakeApi(clock: { t: number }) {
  const asked: TokenSource[] = [];
  let n = 0;
  let failing = false;
  return {
    asked,
    fail: (on: boolean) => (failing = on),
    request: (_p: KubeObject, s: TokenSource) => {
      asked.push(s);
      if (failing) return Promise.reject(new Error('apiserver down'));
      return Promise.resolve({ token: `t${++n}`, expiresAt: new Date(clock.t + (s.expirationSeconds ?? 3600) * 1000) });
    },
  };
}

test('pod tokens: kept until 80 % of their life, then renewed; one per audience and lifetime', async () => {
  const clock = { t: 1_000_000 };
  const api = fakeApi(clock);
  const tokens = createPodTokens({ request: api.request, now: () => clock.t });
  const src = { expirationSeconds: 3607 };
  assert.equal(await tokens.get(pod('a'), src), 't1');
  clock.t += 0.79 * 3607_000;
  assert.equal(await tokens.get(pod('a'), src), 't1', 'before 80 %: the same token, the file is not rewritten');
  clock.t += 0.02 * 3607_000;
  assert.equal(await tokens.get(pod('a'), src), 't2', 'past 80 %: renewed');
  assert.equal(await tokens.get(pod('a'), { audience: 'vault', expirationSeconds: 3607 }), 't3');
  assert.deepEqual(api.asked.at(-1), { audience: 'vault', expirationSeconds: 3607 });
  assert.equal(await tokens.get(pod('b'), src), 't4');
  tokens.forget('a');
  assert.equal(await tokens.get(pod('a'), src), 't5', 'a forgotten pod asks again');
});

test('pod tokens: a failed renewal keeps the old token while it is valid, and is retried', async () => {
  const clock = { t: 0 };
  const api = fakeApi(clock);
  const tokens = createPodTokens({ request: api.request, now: () => clock.t });
  const src = { expirationSeconds: 1000 };
  assert.equal(await tokens.get(pod('a'), src), 't1');
  clock.t = 900_000;
  api.fail(true);
  assert.equal(await tokens.get(pod('a'), src), 't1');
  clock.t = 1_000_000;
  assert.equal(await tokens.get(pod('a'), src), undefined, 'expired and not renewed: no token');
  api.fail(false);
  clock.t = 1_002_000;
  assert.equal(await tokens.get(pod('a'), src), 't2');
});

test('pod tokens: concurrent asks share one request', async () => {
  const clock = { t: 0 };
  const api = fakeApi(clock);
  const tokens = createPodTokens({ request: api.request, now: () => clock.t });
  const got = await Promise.all([1, 2, 3].map(() => tokens.get(pod('a'), {})));
  assert.deepEqual(got, ['t1', 't1', 't1']);
  assert.equal(api.asked.length, 1);
});

test('pod tokens: a signing key change renews every token at its next refresh', async () => {
  const clock = { t: 1_000_000 };
  const api = fakeApi(clock);
  let keysChangedAt = 0;
  const tokens = createPodTokens({ request: api.request, now: () => clock.t, keysChangedAt: () => keysChangedAt });
  const src = { expirationSeconds: 3607 };
  assert.equal(await tokens.get(pod('a'), src), 't1');
  clock.t += 1000;
  assert.equal(await tokens.get(pod('a'), src), 't1');
  keysChangedAt = clock.t; // `skiff sa-key rotate`
  clock.t += 1;
  assert.equal(await tokens.get(pod('a'), src), 't2', 'renewed: signed with the new key');
  clock.t += 1000;
  assert.equal(await tokens.get(pod('a'), src), 't2', 'and kept after that');
});
