import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nftScript } from './kernel-rules';
import type { RoutingTable } from '../table';

const table = (
  affinitySeconds?: number,
  endpoints = [
    { ip: '10.9.0.5', port: 8080 },
    { ip: '10.9.0.6', port: 8080 },
  ],
): RoutingTable => ({
  version: 1,
  domain: 'cluster.local',
  dnsIP: '10.9.128.10',
  dns: { a: {}, cname: {}, srv: {}, ptr: {} },
  services: [
    { id: 'default/web', ip: '10.9.128.20', affinitySeconds, ports: [{ port: 80, protocol: 'TCP', endpoints }] },
    { id: 'default/dns', ip: '10.9.128.21', ports: [{ port: 53, protocol: 'UDP', endpoints: [{ ip: '10.9.0.7', port: 5353 }] }] },
    {
      id: 'default/kubernetes',
      ip: '10.9.128.1',
      ports: [{ port: 443, protocol: 'TCP', endpoints: [{ ip: '127.0.0.1', port: 6443 }], reverse: true }],
    },
    { id: 'default/empty', ip: '10.9.128.22', ports: [{ port: 80, protocol: 'TCP', endpoints: [] }] },
  ],
});

test('ClusterIP ports DNAT to ready endpoints at random; UDP too; reverse routes and empty ports stay in userspace', () => {
  const { script, state } = nftScript(table(), 'eth0', { chains: new Set(), sets: new Set() });
  assert.match(script, /^add table ip skiff\nflush table ip skiff\n/);
  assert.match(script, /add rule ip skiff services ip daddr 10\.9\.128\.20 tcp dport 80 counter goto (svc-\w+)/);
  assert.match(script, /numgen random mod 2 vmap \{ 0 : goto ep-[\w-]+, 1 : goto ep-[\w-]+ \}/);
  assert.match(script, /meta l4proto tcp dnat to 10\.9\.0\.5:8080/);
  assert.match(script, /ip daddr 10\.9\.128\.21 udp dport 53 counter goto/);
  assert.match(script, /meta l4proto udp dnat to 10\.9\.0\.7:5353/);
  assert.doesNotMatch(script, /10\.9\.128\.1 |10\.9\.128\.22/, 'no rule for the reverse route or a port without endpoints');
  assert.match(script, /oifname "eth0" ct status dnat masquerade/);
  assert.equal(state.chains.size, 5, '2 Service chains, 3 endpoint chains');
});

test('affinity keeps a timed set per endpoint; removed endpoints drop their chains and sets', () => {
  const first = nftScript(table(600), 'eth0', { chains: new Set(), sets: new Set() });
  assert.match(first.script, /add set ip skiff aff-[\w-]+-600 \{ type ipv4_addr; flags dynamic,timeout; timeout 600s; size 65535; \}/);
  assert.match(first.script, /ip saddr @aff-[\w-]+ goto ep-/, 'a known client goes back to its endpoint');
  assert.match(first.script, /update @aff-[\w-]+ \{ ip saddr \} meta l4proto tcp dnat/);
  assert.equal(first.state.sets.size, 2);
  const second = nftScript(table(600, [{ ip: '10.9.0.5', port: 8080 }]), 'eth0', first.state);
  assert.equal((second.script.match(/^delete chain /gm) ?? []).length, 1);
  assert.equal((second.script.match(/^delete set /gm) ?? []).length, 1);
  assert.doesNotMatch(second.script, /^add chain ip skiff (svc|ep)-/m, 'existing chains are reused (flushed), not re-added');
  assert.match(second.script, /goto ep-\w+-\w+\n/, 'one endpoint: no random pick');
});
