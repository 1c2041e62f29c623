import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followAnswers } from './profile-answers';
import type { ProxyAnswer } from '../proxy/kube-proxy';

void test('answers of kubeconfig profiles go to the registry; a local cluster is re-read only when its status looks wrong', () => {
  const observed: Array<[string, ProxyAnswer]> = [];
  let refreshes = 0;
  let localStatus = 'ready';
  const follow = followAnswers({
    kubeconfigs: { observe: (n, a) => observed.push([n, a]) },
    clusters: { list: () => Promise.resolve(void refreshes++) },
    local: { list: () => [{ name: 'skiff-local', status: localStatus }] },
    minRefreshMs: 0,
  });
  follow('remote', { ok: false, reason: 'connection refused at 127.0.0.1:1' });
  assert.deepEqual(observed, [['remote', { ok: false, reason: 'connection refused at 127.0.0.1:1' }]]);
  follow('skiff-local', { ok: true });
  assert.equal(refreshes, 0, 'a ready cluster that answers needs no look');
  follow('skiff-local', { ok: false, reason: 'connection refused' });
  assert.equal(refreshes, 1);
  localStatus = 'stopped';
  follow('skiff-local', { ok: true });
  assert.equal(refreshes, 2, 'a stopped cluster that answers is looked at again');
  assert.equal(observed.length, 1, 'local answers never reach the kubeconfig registry');
});
