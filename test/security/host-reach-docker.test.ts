// Issue 12, finding 3 on real Docker: a pod cannot reach a service the host keeps on its loopback
// (not through the bridge gateway, not through a Service: a loopback EndpointSlice is refused).
// What Skiff does not filter, and says so in engine/network/README.md ("What pods can reach on the
// host"): a host service listening on the bridge gateway's address (or 0.0.0.0) answers pods, as
// with plain `docker run`. This test pins both sides so a change to either is seen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE } from '../docker/images';
import { startDockerCluster, waitFor, type DockerCluster } from '../docker/docker-cluster';

const skip = await dockerSkip();
let c: DockerCluster;
const servers: Server[] = [];

async function listen(host: string): Promise<number> {
  const s = createServer((sock) => sock.end('host-only-secret\n'));
  s.listen(0, host);
  await once(s, 'listening');
  servers.push(s);
  return (s.address() as { port: number }).port;
}

const inPod = async (script: string) => (await c.kubectl(['exec', 'prober', '--', 'sh', '-c', script])).stdout.trim();

before(async () => {
  if (skip) return;
  c = await startDockerCluster(`hostreach${process.pid}`, 'skiff-hostreach-');
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'prober' },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
  };
  assert.equal((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) })).code, 0);
  await waitFor(
    'prober running',
    async () => ((await c.podJSON('prober')) as { status?: { phase?: string } }).status?.phase === 'Running',
    60_000,
  );
});

after(async () => {
  for (const s of servers) s.close();
  await c?.stop();
});

test('a pod cannot reach a host listener on 127.0.0.1; a gateway-bound one is reachable (documented)', { skip }, async () => {
  const gateway = await inPod("ip route | awk '/^default/ {print $3}'");
  assert.match(gateway, /^\d+\.\d+\.\d+\.1$/, 'the pod routes through the bridge gateway');
  const loopbackPort = await listen('127.0.0.1');
  const probe = (host: string, port: number) => inPod(`nc -w 2 ${host} ${port} </dev/null 2>&1; echo rc=$?`);
  const viaGateway = await probe(gateway, loopbackPort);
  assert.doesNotMatch(viaGateway, /host-only-secret/, 'the gateway does not lead to the host loopback');
  assert.doesNotMatch(await probe('127.0.0.1', loopbackPort), /host-only-secret/, "the pod's loopback is its own");
  // The host's own documented exposure: bound to the gateway address, a host service answers pods.
  const gatewayPort = await listen(gateway);
  assert.match(await probe(gateway, gatewayPort), /host-only-secret/);
});
