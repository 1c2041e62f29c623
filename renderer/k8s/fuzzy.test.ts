import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyFilter, fuzzyScore, fuzzyScoreLower, topK } from './fuzzy';

test('in-order characters match; prefixes and contiguous runs rank first', () => {
  assert.equal(fuzzyScore('xyz', 'deployments'), -1);
  assert.ok(fuzzyScore('dep', 'deployments') > fuzzyScore('dep', 'daemonset-pods'));
  const kinds = ['Pod', 'PodDisruptionBudget', 'Deployment', 'PersistentVolume', 'ReplicaSet'];
  assert.deepEqual(fuzzyFilter(kinds, 'pod', (k) => k).slice(0, 2), ['Pod', 'PodDisruptionBudget']);
  assert.deepEqual(
    fuzzyFilter(kinds, 'pv', (k) => k),
    ['PersistentVolume'],
  );
  assert.equal(fuzzyFilter(kinds, '', (k) => k).length, 5);
});

test('topK keeps what a stable sort of every match would put first', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const limit of [0, 1, 3, 10, 60]) {
    const offers = Array.from({ length: 500 }, (_, i) => ({ id: i, s: Math.floor(rand() * 20) - 3 }));
    const best = topK<number>(limit);
    for (const o of offers) best.offer(o.id, o.s);
    const expected = offers
      .filter((o) => o.s >= 0)
      .sort((a, b) => b.s - a.s)
      .slice(0, limit)
      .map((o) => o.id);
    assert.deepEqual(best.result(), expected, `limit ${limit}`);
  }
});

test('scores of lowercased keys equal the scores of the original text', () => {
  for (const [q, t] of [
    ['LoAd-9', 'load-9 Pod in default'],
    ['ldf', 'load-19 Pod in default'],
    ['kdns', 'kube-dns Service in kube-system'],
    ['zz', 'Deployment'],
  ])
    assert.equal(fuzzyScoreLower(q.toLowerCase(), t.toLowerCase()), fuzzyScore(q, t));
  assert.ok(fuzzyScore('kd', 'kube-dns') > fuzzyScore('kd', 'kubeadm'), 'a word start after "-" still counts');
});
