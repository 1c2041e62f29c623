// kubectl top with real Docker numbers: a busy-looping container shows CPU use near its limit,
// a container holding memory shows it, and the node reports its usage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';

const skip = await dockerSkip();
let c: DockerCluster;

before(async () => {
  if (!skip) c = await startDockerCluster(`dt${process.pid}`, 'skiff-docker-top-');
});
after(async () => {
  if (!skip) await c?.stop();
});

const POD = `apiVersion: v1
kind: Pod
metadata: { name: burner }
spec:
  containers:
  - name: cpu
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "while :; do :; done"]
    resources: { limits: { cpu: 300m, memory: 64Mi } }
  - name: mem
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "head -c 40000000 /dev/zero > /dev/shm/fill; sleep 3600"]
`;

/** millicores and MiB of one container from `kubectl top pod --containers`. */
async function usage(container: string): Promise<{ cpu: number; mem: number } | undefined> {
  const r = await c.kubectl(['top', 'pod', 'burner', '--containers', '--no-headers']);
  const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[1] === container);
  if (!line) return undefined;
  const [, , cpu, mem] = line.trim().split(/\s+/);
  return { cpu: Number(cpu.replace(/m$/, '')), mem: Number(mem.replace(/Mi$/, '')) };
}

test('kubectl top pod and node report what Docker measures', { skip, timeout: 150_000 }, async () => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: POD });
  assert.equal(r.code, 0, r.stderr);
  await waitFor('burner Running', async () => (await c.podJSON('burner')).status?.phase === 'Running', 60_000);
  const cpu = await waitFor(
    'CPU use near the 300m limit',
    async () => {
      const u = await usage('cpu');
      return u && u.cpu >= 150 ? u : undefined;
    },
    90_000,
    2000,
  );
  assert.ok(cpu.cpu <= 400, `a 300m limit caps the busy loop (saw ${cpu.cpu}m)`);
  await waitFor('memory of the filler', async () => ((await usage('mem'))?.mem ?? 0) >= 30, 60_000, 2000);
  const node = await c.kubectl(['top', 'node', '--no-headers']);
  assert.match(node.stdout, /^\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m, node.stdout + node.stderr);
});
