// The overlay's part of the routes script, run by a real sh against stub `ip` and `bridge`
// commands that record what they are asked and answer from the files a case writes (the real
// commands need root and run in test/multihost/overlay.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../kinds/types';
import { firstHost, overlayDevice, overlayVni, parseOverlayMode, vtepMac, type OverlayPlan } from './pod-overlay';
import { parseRoutesFor, routeScript, POD_ROUTES_FOR_ANNOTATION, type PodRoute } from './pod-routes';

// `ip route get` names a gateway for addresses in $ROUTED; `-d link show` prints $DIR/link;
// `neigh show` and `fdb show` print $DIR/neigh and $DIR/fdb; every call is appended to $DIR/calls.
const IP_STUB = `#!/bin/sh
echo "ip $*" >> "$DIR/calls"
case "$*" in
  -V) echo "ip utility, iproute2-6.1.0";;
  "route get "*) case " $ROUTED " in *" $3 "*) echo "$3 via 10.0.0.1 dev eth0 src 10.0.0.2";; *) echo "$3 dev eth0 src 10.0.0.2";; esac;;
  "link show dev eth0") echo "2: eth0: <UP> mtu 1400 qdisc noqueue";;
  "-d link show "*) cat "$DIR/link" 2>/dev/null || exit 1;;
  "neigh show "*) cat "$DIR/neigh" 2>/dev/null;;
esac
exit 0
`;
// No real firewall is touched: nft answers that no chain exists.
const NFT_STUB = `#!/bin/sh
echo "nft $*" >> "$DIR/calls"
exit 1
`;
const BRIDGE_STUB = `#!/bin/sh
echo "bridge $*" >> "$DIR/calls"
case "$*" in "fdb show "*) cat "$DIR/fdb" 2>/dev/null;; esac
exit 0
`;

/** Runs `make(dir)`'s script with the stubs in `dir` first on PATH (the only `ip`, `bridge` and `nft` it can find). */
function run(make: (dir: string) => string, o: { routed?: string[]; link?: string; fdb?: string; neigh?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-overlay-'));
  try {
    for (const [name, text] of [
      ['ip', IP_STUB],
      ['bridge', BRIDGE_STUB],
      ['nft', NFT_STUB],
    ]) {
      writeFileSync(join(dir, name), text);
      chmodSync(join(dir, name), 0o755);
    }
    for (const f of ['link', 'fdb', 'neigh'] as const) if (o[f] !== undefined) writeFileSync(join(dir, f), o[f]);
    const out = execFileSync('sh', ['-c', make(dir)], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin`, DIR: dir, ROUTED: (o.routed ?? []).join(' ') },
    });
    let calls = '';
    try {
      calls = readFileSync(join(dir, 'calls'), 'utf8');
    } catch {
      /* none */
    }
    return { out, calls: calls.replaceAll(`${dir}/`, '') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const near = { cidr: '10.244.2.0/24', via: '10.0.0.20' };
const far = { cidr: '10.244.3.0/24', via: '192.168.7.30' };
const plan = (mode: OverlayPlan['mode'], more: Partial<OverlayPlan> = {}): OverlayPlan => ({
  mode,
  dev: 'skvxtest',
  vni: 4242,
  self: '10.0.0.2',
  src: '10.200.0.1',
  ...more,
});
const script = (p: OverlayPlan, want = [near, far]) => routeScript(want, [], ['10.200.0.0/16', near.cidr, far.cidr], 'skiff-c-routes', p);
/** The script with iproute2 looked for among the stubs only (or nowhere). */
const withStubs =
  (p: OverlayPlan, o: { iproute2?: boolean; want?: PodRoute[] } = {}) =>
  (dir: string) =>
    script({ ...p, toolDirs: [o.iproute2 === false ? '/nonexistent' : dir] }, o.want);

describe('pod overlay (VXLAN) in the routes script', () => {
  it('names: a device of at most 15 characters per cluster, a VNI per cluster UID, a MAC per address, the range’s first host', () => {
    assert.match(overlayDevice('skiff-c-1234abcd-routes'), /^skvx[0-9a-f]{8}$/);
    assert.notEqual(overlayDevice('skiff-a-routes'), overlayDevice('skiff-b-routes'));
    const vni = overlayVni('4f2c0f6e-0000-4000-8000-000000000001');
    assert.ok(vni >= 2 && vni < 1 << 24);
    assert.notEqual(vni, overlayVni('4f2c0f6e-0000-4000-8000-000000000002'));
    assert.equal(vtepMac('10.251.7.2'), '0e:5f:0a:fb:07:02');
    assert.equal(firstHost('10.244.3.0/24'), '10.244.3.1');
    assert.equal(firstHost('10.200.0.0/16'), '10.200.0.1');
    assert.equal(firstHost('nonsense'), undefined);
    assert.equal(parseOverlayMode('overlay'), 'overlay');
    assert.equal(parseOverlayMode('vxlan'), undefined);
  });

  it('auto: a peer behind a gateway goes over the device, an on-link one keeps its host route', () => {
    const { out, calls } = run(withStubs(plan('auto')), { routed: [far.via] });
    assert.match(calls, /^ip route replace 10\.244\.2\.0\/24 via 10\.0\.0\.20$/m);
    assert.doesNotMatch(calls, /route replace 10\.244\.2\.0\/24 via 10\.0\.0\.20 dev/);
    // No device yet: made with this machine's MAC, the VNI and its address; MTU = link's 1400 − 50.
    assert.match(calls, /^ip link add skvxtest address 0e:5f:0a:00:00:02 type vxlan id 4242 local 10\.0\.0\.2 dstport 4789 nolearning$/m);
    assert.match(calls, /^ip link set skvxtest mtu 1350 up$/m);
    assert.match(calls, /^ip neigh replace 192\.168\.7\.30 lladdr 0e:5f:c0:a8:07:1e dev skvxtest nud permanent$/m);
    assert.match(calls, /^bridge fdb replace 0e:5f:c0:a8:07:1e dev skvxtest dst 192\.168\.7\.30 self permanent$/m);
    assert.match(calls, /^ip route replace 10\.244\.3\.0\/24 via 192\.168\.7\.30 dev skvxtest onlink src 10\.200\.0\.1$/m);
    assert.equal(out.match(/^OVERLAY .*$/gm)?.join(), 'OVERLAY 10.244.3.0/24');
    // The MSS clamp rides with the overlay (when one is in use and Docker's chain exists).
    assert.match(
      script(plan('auto')),
      /if \[ -n "\$ovl" \] && nft list chain ip filter DOCKER-USER .*oifname "skvxtest" tcp flags syn tcp option maxseg size set rt mtu comment "skiff-c-routes"/,
    );
    assert.doesNotMatch(routeScript([near], [], ['10.200.0.0/16', near.cidr], 'skiff-c-routes'), /maxseg/);
  });

  it('again (an agent restart): a device that fits is kept; entries of peers gone are deleted', () => {
    const link =
      '7: skvxtest: <UP> mtu 1350\n    link/ether 0e:5f:0a:00:00:02 brd ff:ff:ff:ff:ff:ff\n    vxlan id 4242 local 10.0.0.2 srcport 0 0 dstport 4789 nolearning ttl auto\n';
    const fdb = '0e:5f:c0:a8:07:1e dst 192.168.7.30 self permanent\n0e:5f:c0:a8:07:63 dst 192.168.7.99 self permanent\n';
    const neigh = '192.168.7.30 lladdr 0e:5f:c0:a8:07:1e PERMANENT\n192.168.7.99 lladdr 0e:5f:c0:a8:07:63 PERMANENT\n';
    const { calls } = run(withStubs(plan('auto')), { routed: [far.via], link, fdb, neigh });
    assert.doesNotMatch(calls, /link (add|del)/);
    assert.match(calls, /^bridge fdb del 0e:5f:c0:a8:07:63 dev skvxtest dst 192\.168\.7\.99$/m);
    assert.match(calls, /^ip neigh del 192\.168\.7\.99 dev skvxtest$/m);
    assert.doesNotMatch(calls, /del .*192\.168\.7\.30/);
    // Another VNI (or address) on the device: made again.
    const other = run(withStubs(plan('auto', { vni: 7 })), { routed: [far.via], link });
    assert.match(other.calls, /^ip link del skvxtest\nip link add skvxtest .*id 7 /m);
  });

  it('overlay: every peer goes over the device; routes: none does and the device is deleted', () => {
    const all = run(withStubs(plan('overlay')));
    assert.equal(all.out.match(/^OVERLAY .*$/gm)?.join(), 'OVERLAY 10.244.2.0/24,OVERLAY 10.244.3.0/24');
    const none = run(withStubs(plan('routes')), { routed: [far.via] });
    assert.match(none.calls, /^ip route replace 10\.244\.3\.0\/24 via 192\.168\.7\.30$/m);
    assert.match(none.calls, /^ip link del skvxtest$/m);
    assert.doesNotMatch(none.calls, /link add|fdb replace/);
  });

  it('leaving (no routes): the device goes; without iproute2 a far peer gets a host route and the failure is said', () => {
    assert.match(
      run((dir) => routeScript([], [far.cidr], [], 'skiff-c-routes', { ...plan('auto'), toolDirs: [dir] })).calls,
      /^ip link del skvxtest$/m,
    );
    const { out, calls } = run(withStubs(plan('auto'), { iproute2: false }), { routed: [far.via] });
    assert.match(out, /FAIL overlay to 192\.168\.7\.30: no iproute2 ip and bridge in the helper image/);
    assert.match(calls, /^ip route replace 10\.244\.3\.0\/24 via 192\.168\.7\.30$/m);
  });

  it('a joined machine reads the VNI and mode it is handed; a wrong one is dropped', () => {
    const node = (overlay: unknown): KubeObject => ({
      metadata: { name: 'b', annotations: { [POD_ROUTES_FOR_ANNOTATION]: JSON.stringify({ routes: [], podRanges: [], overlay }) } },
    });
    assert.deepEqual(parseRoutesFor(node({ vni: 4242, mode: 'overlay' })).overlay, { vni: 4242, mode: 'overlay' });
    assert.deepEqual(parseRoutesFor(node({ vni: 4242, mode: '$(id)' })).overlay, { vni: 4242 });
    assert.equal(parseRoutesFor(node({ vni: '1; reboot' })).overlay, undefined);
    assert.equal(parseRoutesFor(node({ vni: 1 << 24 })).overlay, undefined);
    assert.equal(parseRoutesFor(node(undefined)).overlay, undefined);
  });
});
