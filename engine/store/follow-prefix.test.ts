import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, WatchOptions } from './types';
import { followPrefix } from './follow-prefix';

// A store whose watches are recorded so the test can fail them as a compaction would.
function fakeStore(revision: number) {
  const watches: { opts: WatchOptions; closed: boolean }[] = [];
  const store = {
    currentRevision: () => Promise.resolve(revision),
    watch(opts: WatchOptions) {
      const w = { opts, closed: false };
      watches.push(w);
      return { close: () => void (w.closed = true) };
    },
  } as unknown as Store;
  return { store, watches };
}

describe('followPrefix', () => {
  it('wakes on events and reopens a failed watch from the current revision, waking once more', async () => {
    const { store, watches } = fakeStore(42);
    let woken = 0;
    const f = followPrefix(store, '/registry/x/', 7, () => woken++);
    assert.equal(watches[0].opts.prefix, '/registry/x/');
    assert.equal(watches[0].opts.afterRevision, 7);
    watches[0].opts.onEvents([]);
    assert.equal(woken, 1);
    watches[0].opts.onError(new Error('compacted'));
    await new Promise((r) => setImmediate(r));
    assert.equal(watches.length, 2);
    assert.equal(watches[1].opts.afterRevision, 42);
    assert.equal(woken, 2);
    f.close();
    assert.equal(watches[1].closed, true);
  });

  it('does not reopen after close', async () => {
    const { store, watches } = fakeStore(1);
    let woken = 0;
    const f = followPrefix(store, '/p/', 0, () => woken++);
    watches[0].opts.onError(new Error('gone'));
    f.close();
    await new Promise((r) => setImmediate(r));
    assert.equal(watches.length, 1);
    assert.equal(woken, 0);
  });
});
