import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFromSubnet, inCidr } from './address-plan';
import { parseHeld } from './agent/addresses';

test('a /16 splits into pods (lower half) and Services (upper half)', () => {
  assert.deepEqual(planFromSubnet('10.201.0.0/16'), {
    subnet: '10.201.0.0/16',
    podRange: '10.201.0.0/17',
    serviceCIDR: '10.201.128.0/17',
    kubernetesIP: '10.201.128.1',
    dnsIP: '10.201.128.10',
  });
  assert.throws(() => planFromSubnet('172.18.0.0/24'), /not a \/16.*docker network rm/);
  assert.ok(inCidr('10.201.200.3', '10.201.128.0/17'));
  assert.ok(!inCidr('10.201.3.3', '10.201.128.0/17'));
});

test('the agent reads back only its /32 Service addresses', () => {
  const out = [
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    '5: eth0    inet 10.201.0.2/16 brd 10.201.255.255 scope global eth0\\       valid_lft forever preferred_lft forever',
    '5: eth0    inet 10.201.128.10/32 scope global eth0\\       valid_lft forever preferred_lft forever',
    '5: eth0    inet 10.201.128.1/32 scope global eth0\\       valid_lft forever preferred_lft forever',
  ].join('\n');
  assert.deepEqual([...parseHeld(out)].sort(), ['10.201.128.1', '10.201.128.10']);
});
