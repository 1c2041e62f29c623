import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Agent } from 'node:http';
import { Docker } from './dockerode';

const require = createRequire(import.meta.url);
const loaded = (pkg: string) => Object.keys(require.cache).some((p) => p.includes(`/node_modules/${pkg}/`));

test('dockerode loads without gRPC and ssh2, which load on first use', () => {
  assert.equal(typeof Docker, 'function');
  assert.ok(new Docker({ socketPath: '/nonexistent.sock' }).modem, 'a client builds');
  assert.equal(loaded('@grpc/grpc-js'), false, 'the BuildKit session is not loaded up front');
  assert.equal(loaded('ssh2'), false, 'the SSH transport is not loaded up front');

  // DOCKER_HOST=ssh://...: docker-modem asks its ssh module for an agent; the real one answers.
  const modemRequire = createRequire(createRequire(require.resolve('dockerode')).resolve('docker-modem'));
  const ssh = modemRequire('./ssh') as (opt: object) => unknown;
  const agent = ssh({ host: '127.0.0.1', port: 1, username: 'nobody' });
  assert.ok(agent instanceof Agent, 'the stand-in hands over to the real ssh module');
  assert.equal(loaded('ssh2'), true);

  // docker.buildImage with BuildKit (version 2) runs withSession: the stand-in loads gRPC then.
  const session = createRequire(require.resolve('dockerode'))('./session') as (...a: unknown[]) => unknown;
  assert.throws(() => session(undefined, undefined, () => {}));
  assert.equal(loaded('@grpc/grpc-js'), true, 'called, the session module is the real one');
});
