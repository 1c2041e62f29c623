import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kinds/types';
import { parseRoutesFor, podRoutesFor, routeOf, routeScript, POD_ROUTE_ANNOTATION, POD_ROUTES_FOR_ANNOTATION } from './pod-routes';

const node = (name: string, o: { runtime?: string; route?: string; cidr?: string; ip?: string }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    annotations: {
      ...(o.runtime ? { 'skiff.dev/node-runtime': o.runtime } : {}),
      ...(o.route ? { [POD_ROUTE_ANNOTATION]: o.route } : {}),
    },
  },
  spec: o.cidr ? { podCIDR: o.cidr } : {},
  status: o.ip ? { addresses: [{ type: 'InternalIP', address: o.ip }] } : {},
});

describe('pod routes across machines', () => {
  const first = node('c-node-1', { runtime: 'docker', route: '10.200.0.0/16 via 192.168.1.10', cidr: '10.244.0.0/24', ip: '172.18.0.2' });
  const second = node('c-node-2', { runtime: 'docker', route: '10.200.0.0/16 via 192.168.1.10', cidr: '10.244.1.0/24' });
  const laptop = node('laptop', { runtime: 'joined', cidr: '10.244.2.0/24', ip: '192.168.1.20' });
  const vm = node('vm', { runtime: 'joined', cidr: '10.244.3.0/24', ip: '192.168.1.30' });
  const sim = node('c-node-3', { runtime: 'simulated', cidr: '10.244.4.0/24', ip: '172.18.0.4' });
  const pending = node('new', { runtime: 'joined', ip: '192.168.1.40' });

  it("the first machine's nodes route by their annotation, joined ones by podCIDR at InternalIP, simulated ones not at all", () => {
    assert.deepEqual(routeOf(first), { cidr: '10.200.0.0/16', via: '192.168.1.10' });
    assert.deepEqual(routeOf(laptop), { cidr: '10.244.2.0/24', via: '192.168.1.20' });
    assert.equal(routeOf(sim), undefined);
    assert.equal(routeOf(pending), undefined); // no podCIDR yet
    assert.equal(routeOf(node('x', { route: '10.200.0.0/16 via $(reboot)' })), undefined);
  });

  it('each machine routes every other machine’s range, once, and knows every pod range', () => {
    const all = [first, second, laptop, vm, sim, pending];
    const onLaptop = podRoutesFor(all, '192.168.1.20');
    assert.deepEqual(onLaptop.routes, [
      { cidr: '10.200.0.0/16', via: '192.168.1.10' },
      { cidr: '10.244.3.0/24', via: '192.168.1.30' },
    ]);
    assert.deepEqual(onLaptop.podRanges, ['10.200.0.0/16', '10.244.2.0/24', '10.244.3.0/24']);
    assert.deepEqual(
      podRoutesFor(all, '192.168.1.10').routes.map((r) => r.via),
      ['192.168.1.20', '192.168.1.30'],
    );
  });

  it('the script replaces routes, drops old ones and exempts pod → pod traffic in Docker’s chains', () => {
    const s = routeScript(
      [{ cidr: '10.244.2.0/24', via: '192.168.1.20' }],
      ['10.244.9.0/24'],
      ['10.200.0.0/16', '10.244.2.0/24'],
      'skiff-c-routes',
    );
    assert.match(s, /ip route replace 10\.244\.2\.0\/24 via 192\.168\.1\.20/);
    assert.match(s, /ip route del 10\.244\.9\.0\/24/);
    assert.match(
      s,
      /insert rule ip filter DOCKER-USER ip saddr \{ 10\.200\.0\.0\/16, 10\.244\.2\.0\/24 \} ip daddr \{ .* \} accept comment "skiff-c-routes"/,
    );
    assert.match(s, /insert rule ip nat POSTROUTING .* return comment "skiff-c-routes"/);
    // Leaving: only removals.
    const leave = routeScript([], ['10.244.2.0/24'], [], 'skiff-c-routes');
    assert.doesNotMatch(leave, /insert rule|route replace/);
    assert.match(leave, /nft delete rule ip nat POSTROUTING handle \$h/);
  });
  it('a joined machine reads its routes from its own Node; anything but a plain CIDR or address is dropped', () => {
    const node = (v: string): KubeObject => ({ metadata: { name: 'b', annotations: { [POD_ROUTES_FOR_ANNOTATION]: v } } });
    const handed = JSON.stringify({
      routes: [
        { cidr: '10.200.0.0/16', via: '10.250.1.2' },
        { cidr: '10.0.0.0/8; reboot', via: '10.250.1.2' },
        { cidr: '10.244.3.0/24', via: '$(id)' },
      ],
      podRanges: ['10.200.0.0/16', '10.244.2.0/24', '`id`'],
    });
    assert.deepEqual(parseRoutesFor(node(handed)), {
      routes: [{ cidr: '10.200.0.0/16', via: '10.250.1.2' }],
      podRanges: ['10.200.0.0/16', '10.244.2.0/24'],
    });
    assert.deepEqual(parseRoutesFor(node('not json')), { routes: [], podRanges: [] });
    assert.deepEqual(parseRoutesFor(undefined), { routes: [], podRanges: [] });
  });
});
