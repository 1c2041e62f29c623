import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openEtcdStore } from './etcd-store';
import { etcdRequired, findEtcdBinary, freeLoopbackPort, startEtcdTestServer, type EtcdTestServer } from './testing/etcd-test-server';
import { collect, runStoreConformance } from './testing/store-conformance';
import { CompactedError, UnavailableError } from './types';

test('unreachable etcd fails fast with UnavailableError naming the endpoints', async () => {
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const err = await openEtcdStore({ endpoints: [endpoint], timeoutMs: 1000 }).catch((e) => e);
  assert.ok(err instanceof UnavailableError, String(err));
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
});

if (!findEtcdBinary()) {
  if (etcdRequired()) test('etcd binary is installed', () => assert.fail('/usr/bin/etcd is missing but CI/SKIFF_REQUIRE_DOCKER is set'));
  else test('etcd store', { skip: 'no etcd binary (/usr/bin/etcd)' }, () => {});
} else {
  let server: EtcdTestServer;
  let n = 0;
  before(async () => {
    server = await startEtcdTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  // One etcd for the whole file; each store gets its own key prefix.
  runStoreConformance('etcd', async () => {
    const store = await openEtcdStore({ endpoints: server.endpoints, prefix: `/skiff-test-${n++}` });
    return { store, cleanup: () => store.close() };
  });

  describe('etcd store specifics', () => {
    test('stores under the prefix share one etcd without seeing each other', async () => {
      const a = await openEtcdStore({ endpoints: server.endpoints, prefix: '/cluster-a' });
      const b = await openEtcdStore({ endpoints: server.endpoints, prefix: '/cluster-b' });
      const raw = await openEtcdStore({ endpoints: server.endpoints });
      try {
        await a.create('/registry/pods/x', 'a');
        await b.create('/registry/pods/x', 'b');
        assert.equal((await a.get('/registry/pods/x'))?.value, 'a');
        assert.deepEqual(
          (await b.list({ prefix: '/registry/' })).items.map((i) => i.value),
          ['b'],
        );
        assert.equal((await raw.get('/cluster-a/registry/pods/x'))?.value, 'a');
        assert.equal(await a.count(''), 1);
      } finally {
        await Promise.all([a.close(), b.close(), raw.close()]);
      }
    });

    test("compaction done by another client is discovered (CompactedError carries etcd's revision)", async () => {
      const writer = await openEtcdStore({ endpoints: server.endpoints, prefix: '/cp-other' });
      const reader = await openEtcdStore({ endpoints: server.endpoints, prefix: '/cp-other' });
      try {
        const a = await writer.create('/a', '1');
        await writer.update('/a', '2', a.modRevision);
        const mid = await writer.currentRevision();
        await writer.create('/b', '1');
        await writer.compact(mid);
        // etcd applies a compaction asynchronously to the requester: allow it a moment.
        let err: unknown;
        for (let i = 0; i < 40; i++) {
          err = await reader.list({ prefix: '/', revision: a.modRevision }).catch((e) => e);
          if (err instanceof CompactedError) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(err instanceof CompactedError, String(err));
        assert.equal(err.compacted, mid);
        assert.equal(await reader.compactedRevision(), mid);
      } finally {
        await Promise.all([writer.close(), reader.close()]);
      }
    });

    test('a watch ends with UnavailableError when etcd goes away', async () => {
      const own = await startEtcdTestServer();
      const s = await openEtcdStore({ endpoints: own.endpoints });
      try {
        const w = collect(s, '/', await s.currentRevision());
        await s.create('/x', '1');
        await w.waitForEvents(1);
        await own.stop();
        const err = await w.waitForError(10_000);
        assert.ok(err instanceof UnavailableError, `${err?.constructor?.name}: ${err?.message}`);
        await assert.rejects(s.get('/x'), UnavailableError);
      } finally {
        await s.close();
        await own.stop();
      }
    });
  });
}
