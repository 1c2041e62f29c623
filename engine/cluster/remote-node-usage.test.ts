import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeUsage, usageOfAgent } from './remote-node-usage';

const ts = '2026-01-01T00:00:00Z';

test("an agent's answer keeps only its own node, tags its pods with it and drops malformed numbers", () => {
  const got = usageOfAgent('b', {
    nodes: [
      { name: 'b', cpuNanoCores: 5e7, memoryBytes: 1024, timestamp: ts },
      { name: 'a', cpuNanoCores: 1, memoryBytes: 1, timestamp: ts }, // not its to report
    ],
    pods: [
      { namespace: 'default', name: 'p', timestamp: ts, containers: [{ name: 'c', cpuNanoCores: -3, memoryBytes: 'x' }] },
      { namespace: '', name: 'q', containers: [] },
      'junk',
    ],
  });
  assert.deepEqual(got.nodes, [{ name: 'b', cpuNanoCores: 5e7, memoryBytes: 1024, timestamp: ts }]);
  assert.deepEqual(got.pods, [
    { namespace: 'default', name: 'p', node: 'b', timestamp: ts, containers: [{ name: 'c', cpuNanoCores: 0, memoryBytes: 0 }] },
  ]);
  assert.deepEqual(usageOfAgent('b', 'not an object'), { nodes: [], pods: [] });
});

test("merged figures: this machine's nodes win a name clash", () => {
  const local = { nodes: [{ name: 'a', cpuNanoCores: 1, memoryBytes: 1, timestamp: ts }], pods: [] };
  const remote = {
    nodes: [
      { name: 'a', cpuNanoCores: 9, memoryBytes: 9, timestamp: ts },
      { name: 'b', cpuNanoCores: 2, memoryBytes: 2, timestamp: ts },
    ],
    pods: [{ namespace: 'default', name: 'p', node: 'b', timestamp: ts, containers: [] }],
  };
  const m = mergeUsage(local, remote);
  assert.deepEqual(
    m.nodes.map((n) => [n.name, n.cpuNanoCores]),
    [
      ['a', 1],
      ['b', 2],
    ],
  );
  assert.equal(m.pods.length, 1);
  assert.equal(mergeUsage(local, { nodes: [], pods: [] }), local);
});
