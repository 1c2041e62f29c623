// Issue 12: ~1,500 seeded malformed requests against an API server process. Each batch must
// leave it alive with /readyz answering; no answer may be a 5xx, and every error is a Status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './testing/fuzz-runner';

test('1,500 malformed requests: no crash, no 5xx, every error a Status', { timeout: 120_000 }, async () => {
  const r = await runFuzz({ seed: Number(process.env.SKIFF_FUZZ_SEED ?? 12), count: 1500, batch: 150 });
  const summary = JSON.stringify({ statuses: Object.fromEntries(r.byStatus), unsendable: r.unsendable }, null, 0);
  assert.equal(r.crashes, 0, `crashes: ${r.internalErrorLogs.join('\n')}`);
  assert.equal(r.notReady, 0, 'the server stopped answering /readyz');
  assert.deepEqual(r.serverErrors, [], summary);
  assert.deepEqual(r.notStatus, [], summary);
  assert.deepEqual(r.timeouts, []);
  assert.deepEqual(r.internalErrorLogs, []);
  // The fuzz reached the handlers, not only the router.
  assert.ok((r.byStatus.get(201) ?? 0) > 30, summary);
  assert.ok((r.byStatus.get(422) ?? 0) > 20, summary);
  console.log(`fuzz: ${summary}`);
});
