import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forbiddenNodeLabels } from './node-restriction';

void test("a node may set the kubelet's own labels and any outside kubernetes.io/k8s.io, never node-restriction ones", () => {
  assert.deepEqual(
    forbiddenNodeLabels([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
      'node.kubernetes.io/instance-type',
      'kubelet.kubernetes.io/anything',
      'x.node.kubernetes.io/y',
      'example.com/team',
      'plain',
      'node-restriction.kubernetes.io/trusted',
      'a.node-restriction.kubernetes.io/b',
      'node-role.kubernetes.io/control-plane',
      'k8s.io/x',
      'sub.k8s.io/y',
    ]),
    [
      'a.node-restriction.kubernetes.io/b',
      'k8s.io/x',
      'node-restriction.kubernetes.io/trusted',
      'node-role.kubernetes.io/control-plane',
      'sub.k8s.io/y',
    ],
  );
});
