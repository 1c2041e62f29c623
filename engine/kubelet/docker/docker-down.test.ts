// Docker not running: a pod's sandbox event, logs/exec and the node's Ready condition say so in
// docker-down.ts's words, naming the socket tried, instead of Node's "connect ENOENT <path>".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker } from '../../docker/dockerode';
import { createDockerRuntime } from './docker-runtime';
import { createRuntimeHealth } from './health';
import { createPodSyncHarness } from '../testing/pod-sync-harness';

void test('with no Docker socket, pod events, streams and the health verdict say Docker is not running and where', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-nodocker-'));
  const sock = join(dir, 'docker.sock');
  const docker = new Docker({ socketPath: sock });
  const runtime = createDockerRuntime({ cluster: 'nodocker', node: 'n', dataDir: dir, docker, relistMs: 60_000 });
  const health = createRuntimeHealth({ docker, intervalMs: 60_000 });
  const h = createPodSyncHarness(runtime);
  t.after(() => {
    h.close();
    health.stop();
    runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const said = new RegExp(`Docker is not running: no socket at ${sock}\\. To fix: .*start Docker Desktop`);

  await h.sync();
  assert.equal(h.events.length, 1, h.events.join('\n'));
  assert.match(h.events[0], /^Warning FailedCreatePodSandBox Failed to create pod sandbox: Docker is not running/);
  assert.match(h.events[0], said);
  assert.doesNotMatch(h.events[0], /ENOENT/);

  for (const call of [
    () => runtime.logs(h.pod, 'app', {}),
    () => runtime.exec(h.pod, 'app', { command: ['true'], stdin: false, stdout: true, stderr: true, tty: false }),
  ]) {
    await assert.rejects(call(), said);
  }

  assert.equal(await health.check(), false);
  assert.match(health.why() ?? '', said);
});
