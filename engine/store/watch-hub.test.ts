import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWatchHub } from './watch-hub';
import type { WatchEvent } from './types';

const put = (key: string, revision: number): WatchEvent => ({
  type: 'put',
  kv: { key, value: '{}', createRevision: revision, modRevision: revision },
  revision,
});
const turn = () => new Promise((r) => setImmediate(r));

/** A hub whose history is what `publish` committed, one key per commit. */
function hubOverHistory() {
  const history: WatchEvent[] = [];
  let revision = 0;
  const hub = createWatchHub({
    readHistory: (prefix, after) => history.filter((e) => e.revision > after && e.kv.key.startsWith(prefix)),
    currentRevision: () => revision,
    compactedRevision: () => 0,
  });
  const publish = (key: string) => {
    const ev = put(key, ++revision);
    history.push(ev);
    hub.publish([ev]);
  };
  return { hub, publish };
}

test('a one-key commit reaches exactly the watchers whose prefix holds the key, in the order they were made', async () => {
  const { hub, publish } = hubOverHistory();
  const seen: string[] = [];
  // Indexed ('/'-ended) and other prefixes, made in an order the index does not keep by itself.
  for (const prefix of ['/registry/pods/ns/', '/registry/pods/n', '', '/registry/pods/', '/registry/configmaps/', '/registry/pods/ns/a']) {
    hub.add({
      prefix,
      afterRevision: 0,
      onEvents: (evs) => seen.push(...evs.map((e) => `${prefix || '(all)'} ${e.kv.key}`)),
      onError: () => {},
    });
  }
  await turn(); // every watcher replays (nothing) and turns live
  publish('/registry/pods/ns/a');
  publish('/registry/pods/other/b');
  publish('/registry/secrets/ns/s');
  assert.deepEqual(seen, [
    '/registry/pods/ns/ /registry/pods/ns/a',
    '/registry/pods/n /registry/pods/ns/a',
    '(all) /registry/pods/ns/a',
    '/registry/pods/ /registry/pods/ns/a',
    '/registry/pods/ns/a /registry/pods/ns/a',
    '(all) /registry/pods/other/b',
    '/registry/pods/ /registry/pods/other/b',
    '(all) /registry/secrets/ns/s',
  ]);
});

test('a closed watcher gets nothing more, and a watcher made later gets what it missed from history first', async () => {
  const { hub, publish } = hubOverHistory();
  const a: number[] = [];
  const w = hub.add({ prefix: '/k/', afterRevision: 0, onEvents: (evs) => a.push(...evs.map((e) => e.revision)), onError: () => {} });
  await turn();
  publish('/k/1');
  w.close();
  publish('/k/2');
  const b: number[] = [];
  hub.add({ prefix: '/k/', afterRevision: 0, onEvents: (evs) => b.push(...evs.map((e) => e.revision)), onError: () => {} });
  publish('/k/3'); // while the new watcher has not replayed yet: it reads this from history
  await turn();
  publish('/k/4');
  assert.deepEqual(a, [1]);
  assert.deepEqual(b, [1, 2, 3, 4]);
  assert.equal(hub.size(), 1);
});

test('a batch of commits reaches each watcher as its own events in order, watchers in the order they were made', async () => {
  let revision = 0;
  const hub = createWatchHub({ readHistory: () => [], currentRevision: () => revision, compactedRevision: () => 0 });
  const seen: string[] = [];
  for (const prefix of ['/p/a/', '/p/', '/p/a', '/q/']) {
    hub.add({
      prefix,
      afterRevision: 0,
      onEvents: (evs) => seen.push(`${prefix}: ${evs.map((e) => e.revision).join(',')}`),
      onError: () => {},
    });
  }
  await turn();
  const batch = ['/p/a/1', '/q/1', '/p/b/1', '/p/a/2'].map((key) => put(key, ++revision));
  hub.publish(batch);
  assert.deepEqual(seen, ['/p/a/: 1,4', '/p/: 1,3,4', '/p/a: 1,4', '/q/: 2']);
});
