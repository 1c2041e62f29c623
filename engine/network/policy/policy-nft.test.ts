import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { policyScript } from './policy-nft';
import type { PolicyModel } from './policy-model';

const model: PolicyModel = {
  ingress: new Map([
    [
      '10.1.0.2',
      [
        {
          peer: { ips: ['10.1.0.3', '10.1.0.4'] },
          ports: [
            { protocol: 'tcp', port: 80 },
            { protocol: 'tcp', port: 8000, endPort: 8010 },
          ],
        },
        { peer: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, ports: [{ protocol: 'sctp' }, { protocol: 'udp', port: 53 }] },
        { peer: { any: true } },
      ],
    ],
    ['10.1.0.3', []],
  ]),
  egress: new Map([['10.1.0.3', [{ peer: { ips: ['10.1.0.2'] } }]]]),
};

test('an empty model removes the table', () => {
  assert.equal(policyScript({ ingress: new Map(), egress: new Map() }, { table: 't' }), 'add table ip t\ndelete table ip t\n');
});

test('forward chain: established first, passes, egress then ingress verdict maps; allowed rules return; chains drop', () => {
  const s = policyScript(model, { table: 't', bridge: 'br-x', pass: ['ip daddr 10.1.128.0/17'] });
  const lines = s.trim().split('\n');
  assert.deepEqual(lines.slice(0, 6), [
    'add table ip t',
    'delete table ip t',
    'add table ip t',
    'add chain ip t forward { type filter hook forward priority filter; policy accept; }',
    'add rule ip t forward ct state established,related accept',
    'add rule ip t forward ip daddr 10.1.128.0/17 accept',
  ]);
  assert.deepEqual(lines.slice(-2), [
    'add rule ip t forward iifname "br-x" ip saddr vmap { 10.1.0.3 : jump eg_10_1_0_3 }',
    'add rule ip t forward oifname "br-x" ip daddr vmap { 10.1.0.2 : jump in_10_1_0_2, 10.1.0.3 : jump in_10_1_0_3 }',
  ]);
  const chain = lines.filter((l) => l.startsWith('add rule ip t in_10_1_0_2 '));
  assert.deepEqual(
    chain.map((l) => l.slice('add rule ip t in_10_1_0_2 '.length)),
    [
      'ip saddr { 10.1.0.3, 10.1.0.4 } meta l4proto tcp th dport { 80, 8000-8010 } return',
      'ip saddr 10.0.0.0/8 ip saddr != { 10.1.0.0/16 } meta l4proto udp th dport { 53 } return',
      'ip saddr 10.0.0.0/8 ip saddr != { 10.1.0.0/16 } meta l4proto sctp return',
      'return',
      'counter drop',
    ],
  );
  assert.ok(lines.includes('add rule ip t in_10_1_0_3 counter drop'), 'isolated with nothing allowed: drop only');
  assert.ok(lines.includes('add rule ip t eg_10_1_0_3 ip daddr { 10.1.0.2 } return'));
});

test('without a bridge (the agent) the verdict maps match every forwarded packet', () => {
  const s = policyScript(model, { table: 't' });
  assert.match(s, /add rule ip t forward ip saddr vmap/);
  assert.doesNotMatch(s, /ifname/);
});

// nft accepts the script (syntax and references), checked in a throwaway user+net namespace.
const canCheck = spawnSync('unshare', ['-Urn', 'nft', '-c', '-f', '-'], { input: 'add table ip probe\n' }).status === 0;
test('nft -c accepts the generated script', { skip: !canCheck && 'no nft or no user namespaces here' }, () => {
  const s = policyScript(model, {
    table: 'skiff-policy',
    bridge: 'br-0123456789ab',
    pass: ['ip daddr 10.1.128.0/17', 'ip saddr 10.1.0.1'],
  });
  const r = spawnSync('unshare', ['-Urn', 'nft', '-c', '-f', '-'], { input: s, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
