// kubectl exec and kubectl cp (tar over exec) into real Docker containers, through the API
// server's WebSocket (kubectl 1.33) and SPDY (kubectl 1.27) exec paths.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from './images';
import { run, kubectlPath, type RunResult } from '../integration/harness';
import { startControlPlane, type ControlPlane } from '../../engine/cluster/control-plane';
import { removeClusterResources } from '../../engine/docker/network';
import { waitFor } from '../wait-for';

const skip = await dockerSkip();
const cluster = `dx${process.pid}`;
let cp: ControlPlane;
let dir: string;

const kubectl = (args: string[], opts: { input?: string; version?: string } = {}): Promise<RunResult> =>
  run(kubectlPath(opts.version), args, {
    input: opts.input,
    env: { KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') },
    timeoutMs: 30_000,
  });

before(async () => {
  if (skip) return;
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'skiff-docker-exec-'));
  mkdirSync(join(dir, 'home'));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  cp = await startControlPlane({ name: cluster, dataDir: dir, datastore: 'sqlite', nodes: 1, nodeRuntime: 'docker' });
  await waitFor('node Ready', async () => /\bReady\b/.test((await kubectl(['get', 'nodes'])).stdout));
  assert.equal((await kubectl(['run', 'box', `--image=${BUSYBOX_IMAGE}`, '--', 'sleep', '3600'])).code, 0);
  await waitFor('box Running', async () => (await kubectl(['get', 'pod', 'box', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running');
});

after(async () => {
  if (skip) return;
  await cp?.stop();
  await removeClusterResources(new Docker(), cluster);
  rmSync(dir, { recursive: true, force: true });
});

for (const version of ['1.27', '1.33']) {
  test(`kubectl ${version} exec: output, stdin and the exit code`, { skip, timeout: 60_000 }, async () => {
    const r = await kubectl(['exec', 'box', '--', 'sh', '-c', 'echo hi; hostname; exit 3'], { version });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^hi\nbox\n$/);
    const i = await kubectl(['exec', '-i', 'box', '--', 'sh', '-c', 'cat; echo end'], { version, input: 'piped\n' });
    assert.equal(i.code, 0, i.stderr);
    assert.equal(i.stdout, 'piped\nend\n');
  });

  test(`kubectl ${version} cp both ways`, { skip, timeout: 60_000 }, async () => {
    const local = join(dir, `up-${version}.txt`);
    const content = 'line\n'.repeat(20_000); // 100 kB: more than one frame / window
    writeFileSync(local, content);
    const up = await kubectl(['cp', local, `box:/tmp/up-${version}.txt`], { version });
    assert.equal(up.code, 0, up.stderr);
    const size = await kubectl(['exec', 'box', '--', 'wc', '-c', `/tmp/up-${version}.txt`], { version });
    assert.match(size.stdout, new RegExp(`^\\s*${content.length}\\b`));
    const back = join(dir, `down-${version}.txt`);
    const down = await kubectl(['cp', `box:/tmp/up-${version}.txt`, back], { version });
    assert.equal(down.code, 0, down.stderr);
    assert.equal(readFileSync(back, 'utf8'), content);
  });
}
