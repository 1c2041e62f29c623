// Local terminals through the host server: the session checks apply to the upgrade; the shell
// runs in a pty with KUBECONFIG at a 0600 file holding only the profile; resize, exit and
// closing work; a missing node-pty or an unknown profile answer with clear errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import { sendHostError, sendJson } from '../http/http-util';
import { createLocalTerminals, LOCAL_TERMINAL_PATH, parseControl, type LocalTerminals } from './local-terminal';
import type { Profile } from '../profiles/profiles';
import type { TerminalEvent } from '../protocol';
import { startHostServer, type HostServer } from '../http/server';
import { createSession, type Session } from '../http/session';
import { httpGet, rawRequest, upgradeRequest } from '../testing/test-http';

let dir: string;
let session: Session;
let server: HostServer;
let terminals: LocalTerminals;
let broken: LocalTerminals;
let brokenServer: HostServer;

function profile(name: string): Profile {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name, cluster: 'c', user: 'u', namespace: 'team' }],
    currentContext: name,
  });
  return { name, kubeConfig: () => kc };
}

const profiles = { get: (n: string) => (n === 'term-test' ? profile(n) : undefined), list: () => [] };

async function serve(t: LocalTerminals): Promise<HostServer> {
  return startHostServer({
    staticDir: dir,
    session,
    api: {
      handle: (req, res) =>
        void t.info(req.url ?? '/').then(
          (info) => sendJson(res, 200, info),
          (err) => sendHostError(res, err),
        ),
      upgrade: (req, socket, head) => t.upgrade(req, socket, head),
    },
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-term-test-'));
  session = createSession();
  const env = { ...process.env, SHELL: '/bin/sh', HOME: dir, PS1: '$ ', ENV: '' };
  terminals = createLocalTerminals({ profiles, env, tmpDir: dir });
  broken = createLocalTerminals({ profiles, env, loadPty: () => Promise.reject(new Error('Cannot find module pty.node')) });
  server = await serve(terminals);
  brokenServer = await serve(broken);
});

after(async () => {
  terminals?.close();
  broken?.close();
  await server?.close();
  await brokenServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Term {
  ws: WebSocket;
  output(): string;
  events: TerminalEvent[];
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  closed: Promise<void>;
  type(text: string): void;
}

function open(s: HostServer, query: string): Promise<Term> {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}${LOCAL_TERMINAL_PATH}?${query}`, [`skiff-session.${session.secret}`], {
    headers: { Cookie: `skiff_session=${session.cookieValue}`, Origin: s.url },
  });
  let out = '';
  const events: TerminalEvent[] = [];
  ws.on('message', (d, binary) => (binary ? (out += d.toString()) : events.push(JSON.parse(d.toString()))));
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  const term: Term = {
    ws,
    events,
    closed,
    output: () => out,
    type: (text) => ws.send(Buffer.from(text), { binary: true }),
    async waitFor(re, ms = 5000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const m = re.exec(out);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no ${re} in terminal output: ${JSON.stringify(out.slice(-500))}`);
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(term));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

test('the shell sees KUBECONFIG: a private 0600 file with only the profile, removed on exit; resize works', async () => {
  const t = await open(server, 'profile=term-test&cols=100&rows=30');
  t.type('echo "K=[$KUBECONFIG]"; stty size\n');
  const path = (await t.waitFor(/K=\[(\/[^\]\r\n]+)\]/))[1];
  await t.waitFor(/^30 100\r?$/m);
  assert.ok(path.startsWith(dir), `${path} is in the temp dir`);
  assert.notEqual(path, join(dir, '.kube', 'config'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const text = readFileSync(path, 'utf8');
  assert.match(text, /server: https:\/\/127\.0\.0\.1:6443/);
  assert.match(text, /current-context: term-test/);
  assert.match(text, /token: secret-token/);

  t.ws.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
  t.type('stty size\n');
  await t.waitFor(/^40 120\r?$/m);

  t.type('exit 3\n');
  await t.closed;
  assert.deepEqual(t.events, [{ type: 'exit', code: 3 }]);
  assert.equal(existsSync(path), false, 'the kubeconfig went with the terminal');
});

test('closing the socket kills the shell and removes its kubeconfig', async () => {
  const t = await open(server, 'profile=term-test');
  t.type('echo "PID=$$ K=[$KUBECONFIG]"\n');
  const m = await t.waitFor(/PID=(\d+) K=\[([^\]]+)\]/);
  const pid = Number(m[1]);
  t.ws.close();
  await t.closed;
  const end = Date.now() + 5000;
  let alive = true;
  while (alive && Date.now() < end) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 50));
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, 'the shell is gone');
  assert.equal(existsSync(m[2]), false);
});

test('the session checks guard the upgrade', async () => {
  const path = `${LOCAL_TERMINAL_PATH}?profile=term-test`;
  const noCookie = await rawRequest(server.port, upgradeRequest(server.port, path, { Origin: server.url }));
  assert.match(noCookie.data, /^HTTP\/1\.1 403/);
  const evil = await rawRequest(
    server.port,
    upgradeRequest(server.port, path, { Origin: 'http://evil.example', Cookie: `skiff_session=${session.cookieValue}` }),
  );
  assert.match(evil.data, /^HTTP\/1\.1 403/);
});

test('an unknown profile, a missing profile and a missing node-pty answer with clear errors', async () => {
  const headers = { Cookie: `skiff_session=${session.cookieValue}`, 'X-Skiff-Session': session.secret };
  const unknown = await httpGet(server.port, `${LOCAL_TERMINAL_PATH}?profile=nope`, headers);
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.body).error, /profile "nope" does not exist/);
  await assert.rejects(open(server, 'profile=nope'), /HTTP 404/);
  const missing = await httpGet(server.port, LOCAL_TERMINAL_PATH, headers);
  assert.equal(missing.status, 400);

  const ok = await httpGet(server.port, `${LOCAL_TERMINAL_PATH}?profile=term-test`, headers);
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body).shell, '/bin/sh');

  const no = await httpGet(brokenServer.port, `${LOCAL_TERMINAL_PATH}?profile=term-test`, headers);
  assert.equal(no.status, 501);
  const body = JSON.parse(no.body);
  assert.match(body.error, /node-pty could not be loaded \(Cannot find module pty\.node\)/);
  assert.match(body.hint, /npm rebuild node-pty/);
  const raw = await rawRequest(
    brokenServer.port,
    upgradeRequest(brokenServer.port, `${LOCAL_TERMINAL_PATH}?profile=term-test`, {
      ...headers,
      Origin: brokenServer.url,
      'Sec-WebSocket-Protocol': `skiff-session.${session.secret}`,
    }),
  );
  assert.match(raw.data, /^HTTP\/1\.1 501/);
});

test('control frames: only well-formed resizes count', () => {
  assert.deepEqual(parseControl('{"type":"resize","cols":80,"rows":24}'), { type: 'resize', cols: 80, rows: 24 });
  assert.equal(parseControl('{"type":"resize","cols":-1,"rows":24}'), undefined);
  assert.equal(parseControl('ls -la'), undefined);
});
