import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPodTrace, parsePodTraceLine } from './pod-trace';

test('pod trace: a line per step reads back to the same moment, pod and step', () => {
  const lines: string[] = [];
  const trace = createPodTrace(
    (l) => lines.push(l),
    () => 1_765_000_000_123.46,
  );
  trace({ metadata: { namespace: 'default', name: 'web-1' } }, 'status written (Running)');
  assert.deepEqual(lines, ['trace pod: 1765000000123.5 default/web-1 status written (Running)']);
  assert.deepEqual(parsePodTraceLine(lines[0]), { at: 1_765_000_000_123.5, pod: 'default/web-1', step: 'status written (Running)' });
});

test('pod trace: other log lines read as nothing', () => {
  assert.equal(parsePodTraceLine('trace start: +   12 ms  pki   3 ms'), undefined);
  assert.equal(parsePodTraceLine('kubelet n1: sync default/x: boom'), undefined);
});
