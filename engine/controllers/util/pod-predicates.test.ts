import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPodActive, isPodAvailable, isPodReady, isPodRunningAndReady, isPodTerminal, msUntilAvailable } from './pod-predicates';

const pod = (phase: string, ready?: { status: string; lastTransitionTime?: string }, deleting = false) => ({
  metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  status: { phase, conditions: ready ? [{ type: 'Ready', ...ready }] : [] },
});
const t0 = '2026-01-01T00:00:00Z';
const at = (s: number) => new Date(Date.parse(t0) + s * 1000);

void test('Ready is the Ready condition alone, whatever the phase (upstream IsPodReady)', () => {
  assert.equal(isPodReady(pod('Running', { status: 'True' })), true);
  assert.equal(isPodReady(pod('Pending', { status: 'True' })), true);
  assert.equal(isPodReady(pod('Running', { status: 'False' })), false);
  assert.equal(isPodReady(pod('Running')), false);
  // StatefulSets' ordering alone also wants Running (upstream isRunningAndReady).
  assert.equal(isPodRunningAndReady(pod('Pending', { status: 'True' })), false);
  assert.equal(isPodRunningAndReady(pod('Running', { status: 'True' })), true);
});

void test('Available: ready for more than minReadySeconds; a missing lastTransitionTime is not available', () => {
  const p = pod('Running', { status: 'True', lastTransitionTime: t0 });
  assert.equal(isPodAvailable(p, 0, at(0)), true);
  assert.equal(isPodAvailable(p, 10, at(10)), false, 'strictly after, as upstream');
  assert.equal(isPodAvailable(p, 10, at(11)), true);
  assert.equal(msUntilAvailable(p, 10, at(5)), 5001);
  const noTime = pod('Running', { status: 'True' });
  assert.equal(isPodAvailable(noTime, 0, at(0)), true);
  assert.equal(isPodAvailable(noTime, 10, at(1000)), false);
  assert.equal(msUntilAvailable(noTime, 10, at(0)), undefined);
  assert.equal(isPodAvailable(pod('Running', { status: 'False', lastTransitionTime: t0 }), 0, at(100)), false);
});

void test('active and terminal', () => {
  assert.equal(isPodActive(pod('Running')), true);
  assert.equal(isPodActive(pod('Succeeded')), false);
  assert.equal(isPodActive(pod('Running', undefined, true)), false);
  assert.equal(isPodTerminal(pod('Failed')), true);
  assert.equal(isPodTerminal(pod('Pending')), false);
});
