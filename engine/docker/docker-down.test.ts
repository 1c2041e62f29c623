import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker } from './dockerode';
import { dockerDownMessage, dockerEndpoint, sayDockerDown } from './docker-down';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );

test('a missing socket is said as "Docker is not running", naming the socket and what to do', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-down-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'docker.sock');
  const raw = await failure(new Docker({ socketPath: sock }).ping());
  assert.match(String((raw as Error).message), /connect ENOENT/, 'what Node says');
  const said = dockerDownMessage(raw, undefined, 'linux')!;
  assert.match(said, /^Docker is not running: no socket at /);
  assert.ok(said.includes(sock), said);
  assert.match(said, /start Docker Desktop/);
  assert.match(said, /systemctl start docker|dockerd/);
  assert.doesNotMatch(dockerDownMessage(raw, undefined, 'darwin')!, /systemctl/, 'no Linux advice on a Mac');
  const e = sayDockerDown(raw) as Error & { code?: string };
  assert.equal(e.message, dockerDownMessage(raw));
  assert.equal(e.code, 'ENOENT', 'the code stays for callers that branch on it');
});

test('a socket nobody listens on, and a refused TCP port, say nothing answers there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-down-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'docker.sock');
  writeFileSync(sock, ''); // left behind by a daemon that died
  const unix = await failure(new Docker({ socketPath: sock }).ping());
  assert.match(dockerDownMessage(unix)!, new RegExp(`^Docker is not running: nothing answers at ${sock}`));
  const tcp = await failure(new Docker({ host: '127.0.0.1', port: 1 }).ping());
  assert.match(dockerDownMessage(tcp)!, /nothing answers at 127\.0\.0\.1:1\b/);
});

test('other errors pass through unchanged; a bare message uses the socket the caller names', () => {
  const open = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT', syscall: 'open' });
  assert.equal(dockerDownMessage(open), undefined);
  assert.equal(sayDockerDown(open), open);
  const conflict = Object.assign(new Error('(HTTP code 409) conflict'), { statusCode: 409 });
  assert.equal(sayDockerDown(conflict), conflict);
  assert.match(dockerDownMessage(new Error('connect ENOENT'), '/run/x.sock')!, /no socket at \/run\/x\.sock/);
  assert.match(
    dockerDownMessage(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES', syscall: 'connect' }))!,
    /not open to this user.*docker group/,
  );
});

test("the endpoint named is the client's socket, else DOCKER_HOST", () => {
  assert.equal(dockerEndpoint(new Docker({ socketPath: '/run/a.sock' })), '/run/a.sock');
  assert.equal(dockerEndpoint(new Docker({ host: '10.0.0.1', port: 2375 })), '10.0.0.1:2375');
  assert.equal(dockerEndpoint(undefined, { DOCKER_HOST: 'unix:///run/b.sock' }), '/run/b.sock');
  assert.equal(dockerEndpoint(undefined, {}), '/var/run/docker.sock');
});
