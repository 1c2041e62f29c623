import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decodeRelease, groupRevisions, helmStatusClass, revisionOf } from './helm-release';
import type { KubeObject } from './types';

/** A Secret as the API returns Helm's record: base64 (API) of base64 (Helm) of gzip of the JSON. */
function helmSecret(name: string, ns: string, rev: number, status: string, release: object | string, gzip = true): KubeObject {
  const json = typeof release === 'string' ? release : JSON.stringify(release);
  const helmText = (gzip ? gzipSync(json) : Buffer.from(json)).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${name}.v${rev}`,
      namespace: ns,
      uid: `u-${name}-${rev}`,
      resourceVersion: String(rev),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { owner: 'helm', name, status, version: String(rev) },
    },
    data: { release: Buffer.from(helmText).toString('base64') },
  };
}

const release = {
  name: 'web',
  namespace: 'shop',
  version: 2,
  info: { status: 'deployed', last_deployed: '2026-01-02T03:04:05Z', description: 'Upgrade complete', notes: 'Visit http://web' },
  chart: { metadata: { name: 'nginx', version: '1.2.3', appVersion: '1.25.0' } },
  config: { replicaCount: 2 },
  manifest: '---\nkind: Deployment\n',
};

test('a Helm record decodes to its chart, app version, status, values and manifest', async () => {
  const r = await decodeRelease(helmSecret('web', 'shop', 2, 'deployed', release));
  assert.deepEqual(
    { ...r, secret: undefined },
    {
      name: 'web',
      namespace: 'shop',
      revision: 2,
      status: 'deployed',
      secret: undefined,
      chart: 'nginx',
      chartVersion: '1.2.3',
      appVersion: '1.25.0',
      updated: '2026-01-02T03:04:05Z',
      description: 'Upgrade complete',
      notes: 'Visit http://web',
      values: { replicaCount: 2 },
      manifest: '---\nkind: Deployment\n',
    },
  );
  // Records written without gzip read too.
  assert.equal((await decodeRelease(helmSecret('web', 'shop', 2, 'deployed', release, false))).chart, 'nginx');
});

test('a damaged record says which Secret and why; other Secrets are not releases', async () => {
  await assert.rejects(
    decodeRelease(helmSecret('bad', 'shop', 1, 'failed', '{not json')),
    /sh\.helm\.release\.v1\.bad\.v1 could not be decoded/,
  );
  const plain = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: 'x', labels: { owner: 'helm', name: 'x', version: '1' } },
  };
  assert.equal(revisionOf(plain), undefined);
  await assert.rejects(decodeRelease(plain), /not a Helm release record/);
});

test('revisions group by release, newest first, from labels alone', () => {
  const g = groupRevisions([
    helmSecret('web', 'shop', 1, 'superseded', release),
    helmSecret('web', 'shop', 3, 'deployed', release),
    helmSecret('web', 'shop', 2, 'superseded', release),
    helmSecret('web', 'other', 1, 'failed', release),
  ]);
  assert.deepEqual([...g.keys()].sort(), ['other/web', 'shop/web']);
  assert.deepEqual(
    g.get('shop/web')!.map((r) => `${r.revision}:${r.status}`),
    ['3:deployed', '2:superseded', '1:superseded'],
  );
});

test('statuses read in their tone', () => {
  assert.deepEqual(['deployed', 'failed', 'pending-upgrade', 'superseded', 'unknown'].map(helmStatusClass), [
    'tone-ok',
    'tone-bad',
    'tone-warn',
    'muted',
    undefined,
  ]);
});
