// kubectl logs against the Docker kubelet: a real container's output, followed live, and the
// previous instance of a restarted container.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { run, kubectlPath, type RunResult } from '../integration/harness';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';

const skip = await dockerSkip();
const cluster = `dl${process.pid}`;
let c: DockerCluster;
const env = () => c.env();
const kubectl = (args: string[]): Promise<RunResult> => c.kubectl(args);
const podJSON = (name: string) => c.podJSON(name);

before(async () => {
  if (!skip) c = await startDockerCluster(cluster, 'skiff-docker-logs-');
});

after(async () => {
  if (!skip) await c?.stop();
});

test('kubectl logs -f sees a ticking container print new lines; --tail and --timestamps work', { skip, timeout: 90_000 }, async () => {
  const r = await kubectl([
    'run',
    'ticker',
    `--image=${BUSYBOX_IMAGE}`,
    '--',
    'sh',
    '-c',
    'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done',
  ]);
  assert.equal(r.code, 0, r.stderr);
  await waitFor('ticker Running', async () => (await podJSON('ticker')).status?.phase === 'Running');

  const child = spawn(kubectlPath(), ['logs', '-f', 'ticker'], { env: env() });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitFor('a first tick', async () => /tick \d+\n/.test(out));
    const first = Number(/tick (\d+)/.exec(out)![1]);
    // Lines printed after kubectl attached arrive while it is still running.
    await waitFor('two newer ticks', async () => out.includes(`tick ${first + 2}\n`), 15_000);
    assert.equal(child.exitCode, null, 'kubectl logs -f exited early');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }

  const tail = await kubectl(['logs', 'ticker', '--tail=1', '--timestamps']);
  assert.equal(tail.code, 0, tail.stderr);
  assert.match(tail.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick \d+\n$/);
  await kubectl(['delete', 'pod', 'ticker', '--wait=false']);
});

test('kubectl logs -f ends when the container exits; --previous reads a restarted container', { skip, timeout: 90_000 }, async () => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'brief' },
    spec: {
      restartPolicy: 'Always',
      containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo start; sleep 2; echo done'] }],
    },
  };
  const applied = await run(kubectlPath(), ['apply', '-f', '-'], { env: env(), input: JSON.stringify(manifest) });
  assert.equal(applied.code, 0, applied.stderr);
  await waitFor('brief running', async () => (await podJSON('brief')).status?.containerStatuses?.[0]?.state?.running);
  const follow = await run(kubectlPath(), ['logs', '-f', 'brief'], { env: env(), timeoutMs: 20_000 });
  assert.equal(follow.code, 0, follow.stderr);
  assert.match(follow.stdout, /done\n$/);

  await waitFor('a restart', async () => (await podJSON('brief')).status?.containerStatuses?.[0]?.lastState?.terminated);
  const prev = await kubectl(['logs', 'brief', '--previous']);
  assert.equal(prev.code, 0, prev.stderr);
  assert.equal(prev.stdout, 'start\ndone\n');
  await kubectl(['delete', 'pod', 'brief', '--wait=false']);
});
