import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sClient } from './client';
import { K8sError } from './errors';
import { bulkActionsFor, runBulk } from './bulk';
import type { ApiResource } from './types';

const kind = (group: string, name: string, verbs: string[] = ['delete', 'patch']): ApiResource => ({
  group,
  version: 'v1',
  name,
  kind: name,
  namespaced: true,
  verbs,
  shortNames: [],
});

test('bulk actions follow the kind and its verbs', () => {
  assert.deepEqual(bulkActionsFor(kind('', 'pods')), ['delete']);
  assert.deepEqual(bulkActionsFor(kind('apps', 'deployments')), ['delete', 'restart', 'scale']);
  assert.deepEqual(bulkActionsFor(kind('apps', 'replicasets')), ['delete', 'scale']);
  assert.deepEqual(bulkActionsFor(kind('apps', 'deployments', ['get', 'list'])), []);
});

test('a bulk delete runs a few at a time, counts gone objects as deleted and names failures', async () => {
  let inFlight = 0;
  let peak = 0;
  const seen: string[] = [];
  const client = {
    async send(method: string, path: string) {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      seen.push(`${method} ${path}`);
      if (path.endsWith('/gone')) throw new K8sError('pods "gone" not found', 404, 'NotFound', '');
      if (path.endsWith('/locked')) throw new K8sError('forbidden', 403, 'Forbidden', '');
      return {};
    },
  } as unknown as K8sClient;
  const targets = [
    ...Array.from({ length: 30 }, (_, i) => ({ namespace: 'd', name: `p${i}` })),
    { namespace: 'd', name: 'gone' },
    { namespace: 'd', name: 'locked' },
  ];
  const progress: number[] = [];
  const r = await runBulk(client, kind('', 'pods'), 'delete', targets, { concurrency: 4, onProgress: (n) => progress.push(n) });
  assert.equal(r.done, 32);
  assert.deepEqual(
    r.failed.map((f) => f.target.name),
    ['locked'],
  );
  assert.match(r.failed[0].error, /forbidden/);
  assert.ok(peak <= 4, `at most 4 at once (${peak})`);
  assert.equal(seen.length, 32);
  assert.ok(seen.every((s) => s.startsWith('DELETE /api/v1/namespaces/d/pods/')));
  assert.equal(progress.at(-1), 32);
});

test('bulk scale refuses a bad replica count for each object', async () => {
  const client = { send: () => Promise.resolve({}) } as unknown as K8sClient;
  const r = await runBulk(client, kind('apps', 'deployments'), 'scale', [{ namespace: 'd', name: 'a' }], { replicas: -1 });
  assert.equal(r.failed.length, 1);
  assert.match(r.failed[0].error, /whole number/);
});
