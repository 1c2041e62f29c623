import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseNodeRuntime } from './node-runtime';
import { SkiffError } from './errors';

const sock = `/nonexistent/skiff-${process.pid}/docker.sock`;

void test('skiff start without Docker says it is not running, which socket was tried, and what to do', async (t) => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${sock}`;
  t.after(() => (saved === undefined ? delete process.env.DOCKER_HOST : (process.env.DOCKER_HOST = saved)));

  const lines: string[] = [];
  assert.equal(await chooseNodeRuntime(undefined, (l) => lines.push(l)), 'simulated');
  assert.equal(lines.length, 1);
  assert.ok(lines[0].startsWith(`Docker is not running: no socket at ${sock}: starting simulated nodes`), lines[0]);
  assert.match(lines[0], /For real containers, start Docker Desktop/);
  assert.doesNotMatch(lines[0], /ENOENT/);

  const err = await chooseNodeRuntime('docker', () => {}).then(
    () => assert.fail('docker was asked for'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SkiffError);
  assert.equal(err.what, `Docker is not reachable (Docker is not running: no socket at ${sock})`);
  assert.match(err.fix, /start Docker Desktop.*; or pass --node-runtime simulated$/);
});
