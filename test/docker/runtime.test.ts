// DockerRuntime used directly (no API server): adoption by labels, pull policy, exit reasons,
// and its NodeStreams (logs, exec, port-forward) against real containers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from './images';
import { createDockerRuntime, type DockerRuntime } from '../../engine/kubelet/docker/docker-runtime';
import { removeClusterResources } from '../../engine/docker/network';
import type { KubeObject } from '../../engine/kinds/types';
import { waitFor as sharedWaitFor } from '../wait-for';

const skip = await dockerSkip();
const cluster = `rt${process.pid}`;
let dir: string;
let rt: DockerRuntime;

const podOf = (name: string, containers: any[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `${name}-0000-1111-2222-${process.pid}`, labels: { app: name } },
  spec: { nodeName: 'n1', containers },
});

const text = (s: Readable) =>
  new Promise<string>((resolve, reject) => {
    let out = '';
    s.on('data', (d) => (out += d))
      .on('end', () => resolve(out))
      .on('error', reject);
  });

const until = <T>(fn: () => Promise<T | undefined | false>, ms = 10_000) => sharedWaitFor('the runtime', fn, ms, 100);

/** Sandbox + one started container; resolves with the sandbox and the container id. */
async function startPod(pod: KubeObject) {
  const sb = await rt.ensureSandbox({ pod });
  const spec = pod.spec!.containers[0];
  await rt.pullImage(spec.image);
  const id = await rt.createContainer({ podUid: pod.metadata.uid!, sandboxId: sb.id, spec, attempt: 0, init: false });
  await rt.startContainer(id);
  return { sb, id };
}

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-rt-'));
  rt = createDockerRuntime({ cluster, node: 'n1', dataDir: dir, sandboxImage: PAUSE_IMAGE });
});

after(async () => {
  if (skip) return;
  rt.close();
  await removeClusterResources(rt.docker, cluster);
  rmSync(dir, { recursive: true, force: true });
});

test('env, exit code and reason; a second runtime adopts by labels', { skip, timeout: 30_000 }, async () => {
  const pod = podOf('envy', [
    {
      name: 'main',
      image: BUSYBOX_IMAGE,
      command: ['sh', '-c'],
      args: ['echo "$GREETING $POD"; exit 7'],
      env: [
        { name: 'GREETING', value: 'hello' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
    },
  ]);
  const { sb } = await startPod(pod);
  assert.match(sb.podIP, /^10\.\d+\.\d+\.\d+$/);
  const c = await until(async () => (await rt.listContainers(pod.metadata.uid)).find((x) => x.state === 'exited'));
  assert.equal(c.exitCode, 7);
  assert.equal(c.reason, 'Error');
  assert.equal(c.name, 'main');
  assert.equal(await text(await rt.logs(pod, 'main', {})), 'hello envy\n');
  const again = createDockerRuntime({ cluster, node: 'n1', dataDir: dir, sandboxImage: PAUSE_IMAGE });
  try {
    assert.ok((await again.listSandboxes()).includes(pod.metadata.uid!));
    assert.deepEqual(
      (await again.listContainers(pod.metadata.uid)).map((x) => x.id),
      [c.id],
    );
    assert.equal((await again.ensureSandbox({ pod })).id, sb.id, 'no second sandbox');
  } finally {
    again.close();
  }
  await rt.removeSandbox(pod.metadata.uid!);
  assert.deepEqual(await rt.listContainers(pod.metadata.uid), []);
});

test('pull policy: a local image needs no registry; a missing one fails clearly', { skip }, async () => {
  assert.match(await rt.pullImage(BUSYBOX_IMAGE), /^sha256:/);
  await assert.rejects(rt.pullImage('skiff-test/does-not-exist:1'), /^Error: Failed to pull image "skiff-test\/does-not-exist:1": /);
});

test('a missing sandbox image says how to provide one', { skip }, async () => {
  const bad = createDockerRuntime({ cluster, node: 'n1', dataDir: dir, sandboxImage: 'skiff-test/no-pause:1' });
  try {
    await assert.rejects(
      bad.ensureSandbox({ pod: podOf('nosb', []) }),
      /sandbox image "skiff-test\/no-pause:1" is not present .*docker import.*SKIFF_SANDBOX_IMAGE/,
    );
  } finally {
    bad.close();
  }
});

test('logs with tail and timestamps, exec with exit code and stdin, port-forward', { skip, timeout: 30_000 }, async () => {
  const pod = podOf('web', [
    {
      name: 'web',
      image: BUSYBOX_IMAGE,
      command: ['sh', '-c', 'echo a; echo b; sleep 0.2; echo c >&2; echo page > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'],
    },
  ]);
  const { sb } = await startPod(pod);
  pod.status = { podIP: sb.podIP };
  await until(async () => (await text(await rt.logs(pod, 'web', {}))).includes('c'));
  assert.equal(await text(await rt.logs(pod, 'web', { tailLines: 1 })), 'c\n');
  assert.match(await text(await rt.logs(pod, 'web', { timestamps: true, tailLines: 1 })), /^\d{4}-\d\d-\d\dT[\d:.]+Z c\n$/);

  const ex = await rt.exec(pod, 'web', {
    command: ['sh', '-c', 'read x; echo got $x; echo err >&2; exit 4'],
    stdin: true,
    stdout: true,
    stderr: true,
    tty: false,
  });
  const out = text(ex.stdout!);
  const err = text(ex.stderr!);
  ex.stdin!.end('ping\n');
  assert.equal(await out, 'got ping\n');
  assert.equal(await err, 'err\n');
  assert.equal(await ex.exitCode, 4);

  const sock = await rt.portForward(pod, 8080);
  const reply = text(sock);
  sock.write('GET /index.html HTTP/1.0\r\n\r\n');
  assert.match(await reply, /200 OK[\s\S]*page/);
  await rt.removeSandbox(pod.metadata.uid!);
});
