// Paged lists cost about their page, not the whole kind: the app's first pods page at 50,000
// pods is a Table of 500 rows, and its continue tokens must still walk one consistent revision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite-store';
import type { Store } from '../../store/types';
import { builtinKinds } from '../../kinds/defs/registry';
import type { KubeObject } from '../../kinds/types';
import { encodeObject, objectKey } from '../storage-keys';
import { createResourceLists } from './resource-lists';

const pods = builtinKinds().find((k) => k.kind === 'Pod' && k.group === '')!;
const COUNT = 5000;
const nameOf = (i: number) => `pod-${String(i).padStart(4, '0')}`;
const pod = (i: number, tier = i % 10 === 0 ? 'db' : 'web'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: nameOf(i), namespace: 'default', labels: { tier } },
  spec: { containers: [{ name: 'c', image: 'x' }] },
});

/** A store of COUNT pods, and how many stored entries the reads above it have been handed. */
async function bigStore(t: { after(fn: () => Promise<void>): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lists-'));
  const store = openSqliteStore({ path: join(dir, 'state.db') });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await Promise.all(Array.from({ length: COUNT }, (_, i) => store.create(objectKey(pods, 'default', nameOf(i)), encodeObject(pod(i)))));
  const read = { rows: 0 };
  const counted: Store = {
    ...store,
    list: async (o) => {
      const r = await store.list(o);
      read.rows += r.items.length;
      return r;
    },
    listRevisions: async (o) => {
      const r = await store.listRevisions!(o);
      read.rows += r.items.length;
      return r;
    },
    get: async (key) => {
      read.rows++;
      return store.get(key);
    },
  };
  return { store, lists: createResourceLists(counted), read };
}

const names = (items: KubeObject[]) => items.map((o) => o.metadata.name);

test('the first page of 500 of 5,000 pods reads about 500 stored entries, objects and JSON texts alike', async (t) => {
  const { lists, read } = await bigStore(t);
  const page = await lists.list(pods, 'default', { limit: 500 });
  assert.deepEqual(
    names(page.items),
    Array.from({ length: 500 }, (_, i) => nameOf(i)),
  );
  assert.ok(page.continueToken, 'more pods follow: a continue token');
  assert.ok(read.rows <= 501, `read ${read.rows} entries for a page of 500`);

  read.rows = 0;
  const texts = await lists.listJsonTexts(pods, 'default', { limit: 500 });
  assert.equal(texts.items.length, 500);
  assert.equal((JSON.parse(texts.items[499]) as KubeObject).metadata.name, nameOf(499));
  assert.ok(texts.continueToken);
  // Cold, the text cache first reads the page's keys and revisions, then the page itself.
  assert.ok(read.rows <= 2 * 501, `read ${read.rows} entries for a page of 500 texts`);

  // A selective label selector fills its page from the first chunks, not from every pod.
  read.rows = 0;
  const db = await lists.list(pods, 'default', { limit: 20, filter: (o) => o.metadata.labels?.tier === 'db' });
  assert.deepEqual(
    names(db.items),
    Array.from({ length: 20 }, (_, i) => nameOf(i * 10)),
  );
  assert.ok(db.continueToken);
  assert.ok(read.rows <= 1000, `read ${read.rows} entries for 20 of the 500 matching pods`);
});

test("continue tokens walk the first page's revision while writes go on, objects and JSON texts alike", async (t) => {
  const { store, lists } = await bigStore(t);
  for (const json of [false, true]) {
    const page = (continueToken?: string) =>
      json
        ? lists.listJsonTexts(pods, 'default', { limit: 700, continueToken }).then((r) => ({
            ...r,
            items: r.items.map((s) => JSON.parse(s) as KubeObject),
          }))
        : lists.list(pods, 'default', { limit: 700, continueToken });
    const first = await page();
    // After the first page: one pod changes, one is deleted, one is created.
    const last = objectKey(pods, 'default', nameOf(COUNT - 1));
    const before = (await store.get(last))!;
    const tierBefore = (JSON.parse(before.value) as KubeObject).metadata.labels?.tier;
    await store.update(last, encodeObject(pod(COUNT - 1, `changed-${json}`)), before.modRevision);
    const gone = objectKey(pods, 'default', nameOf(2500));
    await store.delete(gone, (await store.get(gone))!.modRevision);
    await store.create(objectKey(pods, 'default', 'pod-zzzz'), encodeObject(pod(9999)));

    const all = [...first.items];
    let token = first.continueToken;
    while (token) {
      const next = await page(token);
      assert.equal(next.resourceVersion, first.resourceVersion, 'every page answers at the first page revision');
      all.push(...next.items);
      token = next.continueToken;
    }
    assert.deepEqual(
      names(all),
      Array.from({ length: COUNT }, (_, i) => nameOf(i)),
      'the pods as they were at the first page, each once',
    );
    const lastSeen = all[all.length - 1];
    assert.equal(lastSeen.metadata.labels?.tier, tierBefore, 'the changed pod as it was');
    assert.equal(lastSeen.metadata.resourceVersion, String(before.modRevision));

    // Put the store back for the second pass.
    await store.create(gone, encodeObject(pod(2500)));
    await store.delete(objectKey(pods, 'default', 'pod-zzzz'), (await store.get(objectKey(pods, 'default', 'pod-zzzz')))!.modRevision);
  }
});

test('a continue token of another collection, or garbage, is refused with 400', async (t) => {
  const { lists } = await bigStore(t);
  const first = await lists.list(pods, 'default', { limit: 10 });
  await assert.rejects(
    lists.list(pods, 'other', { limit: 10, continueToken: first.continueToken }),
    (e: { code?: number }) => e.code === 400,
  );
  await assert.rejects(lists.list(pods, 'default', { limit: 10, continueToken: 'garbage' }), (e: { code?: number }) => e.code === 400);
});
