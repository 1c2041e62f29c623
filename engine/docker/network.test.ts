import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeDevice, routedPrefixes } from './network';

void test('host routes in 10.0.0.0/8 count as taken subnets (another engine bridges them)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-routes-'));
  try {
    const file = join(dir, 'route');
    // /proc/net/route: destinations in little-endian hex (0000C80A = 10.200.0.0).
    writeFileSync(
      file,
      'Iface\tDestination\tGateway \tFlags\n' +
        'eth0\t00000000\t0100A8C0\t0003\n' +
        'br-1\t0000C80A\t00000000\t0001\n' +
        'br-2\t0000FB0A\t00000000\t0001\n' +
        'docker0\t000011AC\t00000000\t0001\n',
    );
    assert.deepEqual(routedPrefixes(file), ['10.200', '10.251']);
    assert.deepEqual(routedPrefixes(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a bridge network's device is its bridge.name option, else br- and the id's first 12 characters", () => {
  assert.equal(bridgeDevice({ Id: '0123456789abcdef', Options: { 'com.docker.network.bridge.name': 'docker0' } }), 'docker0');
  assert.equal(bridgeDevice({ Id: '0123456789abcdef', Options: {} }), 'br-0123456789ab');
  assert.equal(bridgeDevice({ Id: '0123456789abcdef', Options: null }), 'br-0123456789ab');
});
