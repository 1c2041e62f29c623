import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overviewAccess, overviewReads } from './overview-reads';

test('the overview asks list on each kind it reads, in the namespace shown (nodes and gateways cluster-wide)', () => {
  const reads = overviewReads('team', true);
  assert.deepEqual(
    reads.map((r) => `${r.part}:${r.query.verb} ${r.query.resource} ns=${r.query.namespace}`),
    [
      'nodes:list nodes ns=',
      'pods:list pods ns=team',
      'events:list events ns=team',
      'ingresses:list ingresses ns=team',
      'httproutes:list httproutes ns=team',
      'gateways:list gateways ns=',
    ],
  );
  assert.equal(overviewReads('team', false).length, 4, 'no Gateway API: not asked');
});

test('refused parts are named once with their reasons; unanswered ones are neither read nor refused', () => {
  const reads = overviewReads('team', false);
  const a = overviewAccess(reads, [
    { allowed: false, reason: 'You lack list on nodes cluster-wide (RBAC)' },
    { allowed: true },
    { allowed: false, reason: 'You lack list on events in namespace team (RBAC)' },
    undefined,
  ]);
  assert.deepEqual(a.may, { nodes: false, pods: true, events: false, ingresses: undefined });
  assert.deepEqual(a.refused, ['You lack list on nodes cluster-wide (RBAC)', 'You lack list on events in namespace team (RBAC)']);
});
