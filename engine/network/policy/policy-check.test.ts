import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelFromJson, modelToJson, policyAllows, type PolicyModelJson } from './policy-check';
import type { PolicyModel } from './policy-model';

const m: PolicyModel = {
  ingress: new Map([
    [
      '10.1.0.2',
      [
        { peer: { ips: ['10.1.0.3'] }, ports: [{ protocol: 'tcp', port: 8080 }] },
        { peer: { cidr: '10.2.0.0/16', except: ['10.2.9.0/24'] }, ports: [{ protocol: 'udp', port: 5000, endPort: 5010 }] },
      ],
    ],
    ['10.1.0.9', []],
  ]),
  egress: new Map([['10.1.0.3', [{ peer: { any: true }, ports: [{ protocol: 'tcp' }] }]]]),
};

test('ingress: only the listed peer on the listed port; other pods and ports are refused', () => {
  assert.equal(policyAllows(m, '10.1.0.3', '10.1.0.2', 'tcp', 8080), true);
  assert.equal(policyAllows(m, '10.1.0.3', '10.1.0.2', 'tcp', 80), false);
  assert.equal(policyAllows(m, '10.1.0.4', '10.1.0.2', 'tcp', 8080), false);
  assert.equal(policyAllows(m, '10.1.0.4', '10.1.0.9', 'tcp', 80), false, 'isolated with nothing allowed');
  assert.equal(policyAllows(m, '10.1.0.4', '10.1.0.5', 'tcp', 80), true, 'not isolated');
});

test('ipBlock with except and an endPort range', () => {
  assert.equal(policyAllows(m, '10.2.3.4', '10.1.0.2', 'udp', 5005), true);
  assert.equal(policyAllows(m, '10.2.3.4', '10.1.0.2', 'udp', 5011), false);
  assert.equal(policyAllows(m, '10.2.9.4', '10.1.0.2', 'udp', 5005), false, 'excepted');
  assert.equal(policyAllows(m, '10.2.3.4', '10.1.0.2', 'tcp', 5005), false, 'other protocol');
});

test('egress of the source and ingress of the destination both apply', () => {
  assert.equal(policyAllows(m, '10.1.0.3', '10.1.0.7', 'tcp', 1), true, 'any TCP peer');
  assert.equal(policyAllows(m, '10.1.0.3', '10.1.0.7', 'udp', 53), false, 'egress allows TCP only');
  assert.equal(policyAllows(m, '10.1.0.3', '10.1.0.9', 'tcp', 80), false, 'egress allows, ingress refuses');
});

test('the model survives its JSON form (the routing table)', () => {
  const back = modelFromJson(JSON.parse(JSON.stringify(modelToJson(m))) as PolicyModelJson);
  assert.deepEqual(back, m);
  assert.equal(modelFromJson(undefined).ingress.size, 0);
});
