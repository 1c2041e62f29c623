import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerHint, dockerProbe } from './app-info';

void test('the first-run hint names the Docker socket tried and how to start Docker', async (t) => {
  const sock = `/nonexistent/skiff-${process.pid}/docker.sock`;
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${sock}`;
  t.after(() => (saved === undefined ? delete process.env.DOCKER_HOST : (process.env.DOCKER_HOST = saved)));
  const info = await dockerProbe()();
  assert.equal(info.available, false);
  assert.ok(info.hint?.startsWith(`Docker is not running: no socket at ${sock}. To fix: `), info.hint);
  assert.match(info.hint ?? '', /start Docker Desktop.*; until then clusters get simulated nodes$/);
  // No error to read (a probe that timed out): still the socket and the advice.
  assert.equal(
    dockerHint('darwin', undefined, '/x.sock'),
    'Docker is not running: it does not answer at /x.sock. To fix: start Docker Desktop; until then clusters get simulated nodes',
  );
});
