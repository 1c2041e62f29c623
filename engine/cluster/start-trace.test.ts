import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../store/types';
import { startControlPlane } from './control-plane';
import { createStartTrace, noTrace, traceWanted } from './start-trace';

test('SKIFF_TRACE names what is traced, as a comma-separated list', () => {
  assert.equal(traceWanted({ SKIFF_TRACE: 'start' }, 'start'), true);
  assert.equal(traceWanted({ SKIFF_TRACE: 'pods, start' }, 'start'), true);
  assert.equal(traceWanted({ SKIFF_TRACE: 'started' }, 'start'), false);
  assert.equal(traceWanted({}, 'start'), false);
});

test('a span prints when it began and how long it took, also when it fails; marks print the moment', async () => {
  const lines: string[] = [];
  let clock = 100;
  const trace = createStartTrace(
    (l) => lines.push(l),
    () => clock,
  );
  assert.equal(
    await trace.span('pki', () => {
      clock += 40;
      return Promise.resolve('done');
    }),
    'done',
  );
  await assert.rejects(
    trace.span('store open', () => {
      clock += 5;
      return Promise.reject(new Error('locked'));
    }),
    /locked/,
  );
  trace.mark('node n1 Ready');
  assert.match(lines[0], /^trace start: \+\s+100 ms {2}pki\s+40 ms$/);
  assert.match(lines[1], /^trace start: \+\s+140 ms {2}store open\s+5 ms$/);
  assert.match(lines[2], /^trace start: \+\s+145 ms {2}node n1 Ready$/);
  assert.equal(await noTrace.span('x', () => Promise.resolve(7)), 7, 'no trace only runs the work');
});

test('the control plane traces each phase of its start, the API server phases inside its own', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-trace-'));
  try {
    const lines: string[] = [];
    const cp = await startControlPlane({
      name: 'dev',
      dataDir,
      trace: createStartTrace((l) => lines.push(l)),
      deps: {
        openStore: () => Promise.resolve({ close: () => Promise.resolve() } as unknown as Store),
        async startApiServer(o) {
          await o.trace?.('bootstrap', () => Promise.resolve());
          return { port: 41999, url: 'https://127.0.0.1:41999', close: () => Promise.resolve() };
        },
      },
    });
    await cp.stop();
    const phases = lines.map((l) => l.replace(/^trace start: \+\s*\d+ ms {2}/, '').replace(/\s+\d+ ms$/, ''));
    assert.deepEqual(phases, ['pki', 'store open', 'apiserver: bootstrap', 'apiserver', 'kubeconfig written']);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
