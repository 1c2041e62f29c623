import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createKubeconfigProfiles, type KubeconfigProfiles } from './kubeconfig-profiles';
import { standaloneKubeconfig } from './kubeconfig-profile';
import { ExecConsentRequired } from './profiles';
import { createKubeTargets } from '../proxy/kube-target';

let dir: string;
let fake: Server;
let server: string;
const seen: string[] = [];
const targets = createKubeTargets();
const regs: KubeconfigProfiles[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-kprof-'));
  mkdirSync(join(dir, 'home'));
  fake = createServer((req, res) => {
    seen.push(String(req.headers.authorization));
    if (req.url === '/version') return void res.end(JSON.stringify({ gitVersion: 'v1.31.0' }));
    res.end(JSON.stringify({ items: [{ metadata: { name: 'n1' } }, { metadata: { name: 'n2' } }] }));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  server = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
});

after(() => {
  regs.forEach((r) => r.close());
  targets.close();
  fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ HOME: join(dir, 'home'), PATH: process.env.PATH });
function registry(sub: string, extra: Partial<Parameters<typeof createKubeconfigProfiles>[0]> = {}): KubeconfigProfiles {
  const r = createKubeconfigProfiles({ dataDir: join(dir, sub), env: env(), targets, ...extra });
  regs.push(r);
  return r;
}
const kubeconfig = (contexts: Array<{ name: string; user: Record<string, unknown> }>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server } }],
    users: contexts.map((c) => ({ name: `u-${c.name}`, user: c.user })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: 'c', user: `u-${c.name}` } })),
  });

test('an exec plugin runs only after consent to its exact command, args and env', async () => {
  const plugin = join(dir, 'plugin.sh');
  const marker = join(dir, 'plugin-ran');
  writeFileSync(
    plugin,
    `#!/bin/sh\necho "$PLUGIN_SAYS" > "${marker}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"plugin-token"}}'\n`,
  );
  chmodSync(plugin, 0o755);
  const exec = {
    apiVersion: 'client.authentication.k8s.io/v1',
    command: './plugin.sh',
    args: ['--cluster', 'c'],
    env: [{ name: 'PLUGIN_SAYS', value: 'hello' }],
  };
  const file = join(dir, 'exec.yaml');
  writeFileSync(
    file,
    kubeconfig([
      { name: 'ex', user: { exec } },
      { name: 'missing', user: { exec: { ...exec, command: 'skiff-no-such-plugin' } } },
    ]),
  );
  const reg = registry('exec');
  reg.addSource({ path: file });

  const before = reg.summary('ex')!;
  assert.equal(before.status, 'unknown');
  assert.equal(before.reason, `needs your consent to run ${plugin}`);
  assert.deepEqual(before.exec, {
    command: plugin,
    args: ['--cluster', 'c'],
    env: [{ name: 'PLUGIN_SAYS', value: 'hello' }],
    via: 'exec',
    consented: false,
  });
  assert.throws(() => reg.get('ex')!.kubeConfig(), ExecConsentRequired);
  const refused = await reg.check('ex');
  assert.equal(refused.ok, false);
  assert.equal(refused.exec?.command, plugin);
  assert.throws(
    () => reg.consent('ex', { command: plugin, args: ['--cluster', 'other'], env: before.exec!.env }),
    (e: { status?: number }) => e.status === 409,
  );
  assert.throws(
    () => reg.consent('ex', { command: plugin, args: before.exec!.args, env: [] }),
    (e: { status?: number }) => e.status === 409,
  );
  assert.equal(existsSync(marker), false, 'nothing ran before consent');

  assert.equal(reg.consent('ex', before.exec).exec?.consented, true);
  const ok = await reg.check('ex');
  assert.equal(ok.ok, true, ok.reason);
  assert.equal(ok.nodeCount, 2);
  assert.equal(readFileSync(marker, 'utf8'), 'hello\n', 'the plugin ran with its env');
  assert.ok(seen.includes('Bearer plugin-token'), 'the token from the plugin reached the server');
  assert.equal(process.env.PLUGIN_SAYS, undefined, "the plugin's env did not leak into the host");
  assert.equal(reg.summary('ex')!.status, 'ready');
  assert.equal(reg.summary('ex')!.nodeCount, 2);
  const consentFile = join(dir, 'exec', 'profiles', 'consent.json');
  assert.equal(statSync(consentFile).mode & 0o777, 0o600);
  assert.doesNotMatch(readFileSync(consentFile, 'utf8'), /hello/, 'env values are not stored');

  // The same profile with other args is another command: consent again.
  writeFileSync(file, kubeconfig([{ name: 'ex', user: { exec: { ...exec, args: ['--cluster', 'd'] } } }]));
  reg.reload();
  assert.equal(reg.summary('ex')!.exec?.consented, false);
  assert.throws(() => reg.get('ex')!.kubeConfig(), ExecConsentRequired);
  reg.revokeConsent('ex');

  writeFileSync(file, kubeconfig([{ name: 'missing', user: { exec: { ...exec, command: 'skiff-no-such-plugin' } } }]));
  reg.reload();
  reg.consent('missing', reg.summary('missing')!.exec);
  const nf = await reg.check('missing');
  assert.equal(nf.ok, false);
  assert.match(nf.reason ?? '', /the exec plugin "skiff-no-such-plugin" was not found: it is not on the PATH the app searched \(.+\)/);
});

test('copies and pasted text are sealed at rest, self-contained, and survive the original', () => {
  const src = join(dir, 'orig');
  mkdirSync(src);
  writeFileSync(join(src, 'token'), 'secret-token-123');
  writeFileSync(join(src, 'config'), kubeconfig([{ name: 'copied', user: { 'token-file': 'token' } }]));
  const reg = registry('copies');
  const s = reg.addSource({ path: join(src, 'config'), copy: true });
  assert.equal(s.kind, 'copy');
  assert.equal(s.encrypted, true);
  assert.deepEqual(s.profiles, ['copied']);
  const p = reg.addSource({ text: kubeconfig([{ name: 'pasted', user: { token: 'pasted-secret' } }]) });
  assert.deepEqual(p.profiles, ['pasted']);
  const copies = join(dir, 'copies', 'profiles', 'copies');
  for (const f of readdirSync(copies)) {
    const data = readFileSync(join(copies, f));
    assert.equal(statSync(join(copies, f)).mode & 0o777, 0o600);
    assert.ok(!data.includes(Buffer.from('secret')), `${f} holds no plaintext credentials`);
  }
  assert.equal(statSync(join(dir, 'copies', 'profiles', 'key')).mode & 0o777, 0o600);
  rmSync(src, { recursive: true });
  const again = registry('copies');
  const kc = again.get('copied')!.kubeConfig();
  assert.equal(kc.getCurrentUser()?.token, 'secret-token-123', 'the token file was inlined into the copy');
  again.removeSource(s.id);
  assert.equal(readdirSync(copies).length, 1, "removing the source removes Skiff's copy");
  assert.throws(() => again.addSource({ text: 'foo: [' }), /cannot import pasted text: not valid YAML/);
  assert.throws(() => again.addSource({ text: 'kind: Config\n' }), /has no contexts/);
  assert.throws(() => again.addSource({ path: 'relative/x' }), /not an absolute path/);
  assert.throws(
    () => again.addSource({ path: join(dir, 'nope') }),
    (e: { status?: number }) => e.status === 404,
  );
  assert.throws(() => again.addSource({}), /say what to import/);
});

test('removing a profile hides it when its file has others, else removes the source; never touches the file', () => {
  const file = join(dir, 'two.yaml');
  const text = kubeconfig([
    { name: 'a', user: { token: 't' } },
    { name: 'b', user: { token: 't' } },
  ]);
  writeFileSync(file, text);
  const single = join(dir, 'one.yaml');
  writeFileSync(single, kubeconfig([{ name: 'solo', user: { token: 't' } }]));
  const reg = registry('remove');
  const s = reg.addSource({ path: file });
  const one = reg.addSource({ path: single });
  assert.deepEqual(reg.removeProfile('a'), { removed: 'hidden', source: s.id });
  assert.deepEqual(
    reg.list().map((p) => p.name),
    ['b', 'solo'],
  );
  assert.deepEqual(reg.removeProfile('solo'), { removed: 'source', source: one.id });
  assert.equal(reg.addSource({ path: file }).id, s.id, 'importing again reuses the source...');
  assert.deepEqual(
    reg.list().map((p) => p.name),
    ['a', 'b'],
    '...and shows hidden contexts again',
  );
  assert.equal(readFileSync(file, 'utf8'), text);
  assert.ok(existsSync(single));
  assert.throws(
    () => reg.removeSource('s-nope'),
    (e: { status?: number }) => e.status === 404,
  );
});

test('the default kubeconfig is a read-only source; its profile exports alone with credentials inlined', () => {
  const kube = join(dir, 'home', '.kube');
  mkdirSync(kube, { recursive: true });
  writeFileSync(join(kube, 'ca.crt'), 'CA-PEM');
  const text = JSON.stringify({
    clusters: [{ name: 'c', cluster: { server: 'https://k:6443', 'certificate-authority': 'ca.crt' } }],
    users: [
      { name: 'u', user: { token: 'tok' } },
      { name: 'v', user: { token: 'other' } },
    ],
    contexts: [
      { name: 'home', context: { cluster: 'c', user: 'u', namespace: 'dev' } },
      { name: 'other', context: { cluster: 'c', user: 'v' } },
    ],
  });
  writeFileSync(join(kube, 'config'), text);
  const reg = registry('default');
  const src = reg.sources()[0];
  assert.equal(src.id, 'default');
  assert.equal(src.kind, 'default');
  assert.deepEqual(src.profiles, ['home', 'other']);
  const out = parseYaml(standaloneKubeconfig(reg.get('home')!.exportKubeConfig!(), 'home'));
  assert.equal(out['current-context'], 'home');
  assert.equal(out.contexts.length, 1);
  assert.equal(out.users.length, 1);
  assert.equal(out.users[0].user.token, 'tok');
  assert.equal(out.clusters[0].cluster['certificate-authority-data'], Buffer.from('CA-PEM').toString('base64'));
  assert.equal(out.contexts[0].context.namespace, 'dev');
  reg.setNamespaces('home', { namespaces: ['team-a', 'team-a', ' team-b '] });
  assert.deepEqual(reg.summary('home')!.allowedNamespaces, ['team-a', 'team-b']);
  assert.throws(() => reg.setNamespaces('home', { namespaces: ['Not_OK'] }), /is not a namespace name/);
  reg.removeSource('default');
  assert.deepEqual(reg.list(), []);
  reg.addSource({ default: true });
  assert.equal(reg.list().length, 2);
  assert.equal(readFileSync(join(kube, 'config'), 'utf8'), text);
});

test('watched files and folders: added, changed and removed contexts show up within seconds', async () => {
  const file = join(dir, 'watched.yaml');
  writeFileSync(file, kubeconfig([{ name: 'w1', user: { token: 't' } }]));
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  writeFileSync(join(folder, 'README.md'), '# not a kubeconfig');
  const reg = registry('watch', { watch: true, debounceMs: 50, pollMs: 300 });
  reg.removeSource('default'); // the previous test's ~/.kube/config
  let changes = 0;
  reg.onChange(() => changes++);
  reg.addSource({ path: file });
  reg.addSource({ path: folder });
  const names = () =>
    reg
      .list()
      .map((p) => p.name)
      .sort()
      .join(',');
  const until = async (what: string, ok: () => boolean) => {
    const t = Date.now();
    while (!ok()) {
      if (Date.now() - t > 2500)
        throw new Error(`not within 2.5 s: ${what}; have ${names()} ${JSON.stringify(reg.sources().map((s) => s.errors))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  assert.equal(names(), 'w1');
  const c0 = changes;
  writeFileSync(
    file,
    kubeconfig([
      { name: 'w1', user: { token: 't' } },
      { name: 'w2', user: { token: 't' } },
    ]),
  );
  await until('w2 added', () => names() === 'w1,w2');
  assert.ok(changes > c0);
  writeFileSync(file + '.tmp', kubeconfig([{ name: 'w2', user: { token: 't' } }]));
  const { renameSync } = await import('node:fs');
  renameSync(file + '.tmp', file); // as editors save
  await until('w1 removed', () => names() === 'w2');
  writeFileSync(join(folder, 'team.yaml'), kubeconfig([{ name: 'f1', user: { token: 't' } }]));
  await until('folder file picked up', () => names() === 'f1,w2');
  writeFileSync(join(folder, 'broken.yaml'), 'clusters: [');
  await until('bad YAML reported', () =>
    reg.sources().some((s) => s.errors.some((e) => e.file === join(folder, 'broken.yaml') && /not valid YAML/.test(e.problem))),
  );
  assert.equal(names(), 'f1,w2', 'a broken file spoils nothing else');
  rmSync(file);
  await until('vanished file reported', () =>
    reg.sources().some((s) => s.errors.some((e) => e.file === file && /no such file/.test(e.problem))),
  );
});

test('an answer seen while a check runs gets the profile checked again if that check failed', async () => {
  // A server that stalls past the check's timeout until told to answer.
  let stall = true;
  let asked = 0;
  const slow = createServer((req, res) => {
    asked++;
    const reply = () => res.end(req.url === '/version' ? JSON.stringify({ gitVersion: 'v1.31.0' }) : JSON.stringify({ items: [] }));
    if (stall) setTimeout(reply, 1500);
    else reply();
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
    const file = join(dir, 'race.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: url } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'race', context: { cluster: 'c', user: 'u' } }],
      }),
    );
    const reg = registry('race', { autoCheck: true, checkTimeoutMs: 300 });
    reg.addSource({ path: file });
    // The automatic check is running (its first request stalls) and will time out; meanwhile the
    // app's own request got through.
    for (const until = Date.now() + 5000; asked === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    assert.ok(asked > 0, 'the automatic check asked the server');
    stall = false;
    reg.observe('race', { ok: true });
    const deadline = Date.now() + 10_000;
    while (reg.summary('race')?.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(reg.summary('race')?.status, 'ready', reg.summary('race')?.reason);
  } finally {
    slow.closeAllConnections();
    slow.close();
  }
});
