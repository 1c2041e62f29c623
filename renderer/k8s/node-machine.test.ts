import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentHealth, nodeMachine } from './node-machine';
import type { KubeObject } from './types';

const node = (runtime: string | undefined, ready = 'True', message = 'kubelet is posting ready status'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'b',
    annotations: { ...(runtime ? { 'skiff.dev/node-runtime': runtime } : {}), 'skiff.dev/agent-endpoint': '40123' },
  },
  status: {
    addresses: [
      { type: 'Hostname', address: 'b' },
      { type: 'InternalIP', address: '10.250.7.3' },
    ],
    conditions: [{ type: 'Ready', status: ready, message }],
  },
});
const lease = (renewTime: string): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'b', namespace: 'kube-node-lease' },
  spec: { holderIdentity: 'b', leaseDurationSeconds: 40, renewTime },
});
const now = Date.parse('2026-12-06T12:00:00Z');

test('the machine: a joined one with its address and agent endpoint; the local kinds', () => {
  assert.deepEqual(nodeMachine(node('joined')), {
    what: 'another machine (joined with skiff join)',
    joined: true,
    address: '10.250.7.3',
    agentEndpoint: '10.250.7.3:40123',
  });
  assert.equal(nodeMachine(node('docker')).what, "this machine's Docker");
  assert.equal(nodeMachine(node('simulated')).joined, false);
  assert.match(nodeMachine(node(undefined)).what, /not run by Skiff/);
});

test('the agent answers while its Lease is renewed, and says since when it does not', () => {
  assert.deepEqual(agentHealth(node('joined'), lease('2026-12-06T11:59:55.000000Z'), now), {
    tone: 'ok',
    text: 'answering (heartbeat 5 s ago)',
  });
  const silent = agentHealth(node('joined', 'Unknown', 'Kubelet stopped posting node status.'), lease('2026-12-06T11:57:00.000000Z'), now);
  assert.equal(silent.tone, 'bad');
  assert.equal(silent.text, 'not answering: last heartbeat 3 min ago (Kubelet stopped posting node status.)');
  assert.equal(agentHealth(node('joined'), undefined, now).tone, 'warn');
  const notReady = agentHealth(node('joined', 'False', 'Docker is not running'), lease('2026-12-06T11:59:58Z'), now);
  assert.deepEqual(notReady, { tone: 'warn', text: 'answering (heartbeat 2 s ago), node not Ready: Docker is not running' });
});
