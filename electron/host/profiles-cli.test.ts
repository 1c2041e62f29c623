import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, parseProfilesFlags, type ProfilesIo } from './profiles-cli';

const dir = mkdtempSync(join(tmpdir(), 'skiff-pcli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
mkdirSync(join(dir, 'work'));

function io(stdin = '', confirm?: boolean): ProfilesIo & { lines: string[]; errs: string[] } {
  const lines: string[] = [];
  const errs: string[] = [];
  return {
    lines,
    errs,
    out: (l) => lines.push(l),
    err: (l) => errs.push(l),
    env: { HOME: join(dir, 'home'), SKIFF_HOME: join(dir, 'data'), PATH: process.env.PATH },
    cwd: join(dir, 'work'),
    stdin: async () => stdin,
    ...(confirm === undefined ? {} : { confirm: async () => confirm }),
  };
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('flags', () => {
  assert.deepEqual(parseProfilesFlags(['import', 'x', '--copy', '--data-dir=/d']), {
    sub: 'import',
    args: ['x'],
    dataDir: '/d',
    copy: true,
    check: false,
    json: false,
    yes: false,
    help: false,
  });
  assert.throws(() => parseProfilesFlags(['list', '--nope']), /unknown flag "--nope"/);
  assert.throws(() => parseProfilesFlags(['list', '--data-dir']), /--data-dir needs a value/);
});

test('import (relative to the cwd), list, check, consent, kubeconfig, remove', async () => {
  const port = await closedPort();
  const file = join(dir, 'work', 'team.yaml');
  const text = JSON.stringify({
    clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
    users: [
      { name: 'u', user: { token: 't' } },
      { name: 'e', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token', args: ['--x'] } } },
    ],
    contexts: [
      { name: 'down', context: { cluster: 'c', user: 'u' } },
      { name: 'plug', context: { cluster: 'c', user: 'e' } },
    ],
  });
  writeFileSync(file, text);
  let o = io();
  assert.equal(await main(['import', 'team.yaml'], o), 0, o.errs.join('\n'));
  assert.match(o.lines[0], /^Imported .*team\.yaml by reference .* 2 profiles: down, plug\.$/);

  o = io();
  assert.equal(await main(['list'], o), 0);
  assert.match(o.lines[0], /^NAME\s+SERVER\s+STATUS\s+DETAIL$/);
  assert.match(o.lines[1], new RegExp(`^down\\s+https://127\\.0\\.0\\.1:${port}\\s+unknown`));
  assert.match(o.lines[2], /^plug\s+.*needs your consent to run get-token/);

  o = io();
  assert.equal(await main(['check', 'down'], o), 1);
  assert.deepEqual(o.lines, [`down: unreachable: connection refused at 127.0.0.1:${port}`]);

  o = io();
  assert.equal(await main(['check', 'plug'], o), 1);
  assert.match(o.lines[0], /needs your consent/);
  o = io();
  assert.equal(await main(['consent', 'plug'], o), 1, 'no terminal to ask on and no --yes');
  assert.match(o.errs[0], /rerun with --yes/);
  o = io('', false);
  assert.equal(await main(['consent', 'plug'], o), 1);
  assert.match(o.lines.join('\n'), /command: get-token\n\s+args:\s+\["--x"\]/);
  o = io();
  assert.equal(await main(['consent', 'plug', '--yes'], o), 0);
  o = io();
  assert.equal(await main(['check', 'plug'], o), 1);
  assert.match(o.lines[0], /the exec plugin "get-token" was not found: it is not on the PATH/);

  o = io();
  assert.equal(await main(['kubeconfig', 'down'], o), 0);
  assert.match(o.lines.join('\n'), /current-context: down/);
  assert.doesNotMatch(o.lines.join('\n'), /plug/);

  o = io();
  assert.equal(await main(['remove', 'down'], o), 0);
  assert.match(o.lines[0], /hidden/);
  o = io();
  await main(['sources'], o);
  const id = /^(s-[0-9a-f]+)/m.exec(o.lines.join('\n'))![1];
  o = io();
  assert.equal(await main(['remove', id], o), 0);
  o = io();
  await main(['list'], o);
  assert.match(o.lines[0], /No kubeconfig profiles/);
  assert.equal(readFileSync(file, 'utf8'), text, 'the imported file is untouched');
});

test('stdin import, malformed files and unknown commands: clear messages, exit 1', async () => {
  let o = io(
    JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://x' } }],
      contexts: [{ name: 'piped', context: { cluster: 'c' } }],
    }),
  );
  assert.equal(await main(['import', '-'], o), 0, o.errs.join('\n'));
  assert.match(o.lines[0], /stored in Skiff \(encrypted\).*piped/);
  writeFileSync(join(dir, 'work', 'bad.yaml'), 'contexts: [\n');
  o = io();
  assert.equal(await main(['import', 'bad.yaml'], o), 1);
  assert.match(o.errs[0], /^skiff: cannot import .*bad\.yaml: not valid YAML: /);
  o = io();
  assert.equal(await main(['frobnicate'], o), 1);
  assert.match(o.errs[0], /unknown command "skiff profiles frobnicate"/);
  o = io();
  assert.equal(await main(['check'], o), 1);
  assert.match(o.errs[0], /takes one name/);
  o = io();
  assert.equal(await main(['--help'], o), 0);
  assert.match(o.lines[0], /^skiff profiles/);
});
