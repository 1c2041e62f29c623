// Attack tests for imported kubeconfigs (issue 12, findings 7 and 8). A consented exec plugin's
// token went to whatever `server:` the file named next, and a pasted kubeconfig's token-file
// (any file on this computer) was read and sent on the automatic first check. Now a consent
// holds for the exact command, files AND target (server, CA, tls-server-name, proxy-url); a
// credential file outside the kubeconfig's own folder (pasted text: any) is read only after
// consent; client-node's non-standard auth-provider `tokenFile` is ignored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeconfigProfiles, type KubeconfigProfiles } from '../../electron/host/profiles/kubeconfig-profiles';
import { ExecConsentRequired } from '../../electron/host/profiles/profiles';
import { createKubeTargets } from '../../electron/host/proxy/kube-target';
import { waitFor } from '../wait-for';

let dir: string;
const servers: Server[] = [];
const targets = createKubeTargets();
const regs: KubeconfigProfiles[] = [];
/** Authorization headers each fake server saw. */
const seen = new Map<string, string[]>();
let honest: string;
let attacker: string;
const SECRET = 'the-users-secret-file-content';

async function fakeServer(name: string): Promise<string> {
  seen.set(name, []);
  const s = createServer((req, res) => {
    seen.get(name)!.push(String(req.headers.authorization ?? ''));
    if (req.url === '/version') return void res.end(JSON.stringify({ gitVersion: 'v1.31.0' }));
    res.end(JSON.stringify({ items: [] }));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-consent-attack-'));
  mkdirSync(join(dir, 'home'));
  honest = await fakeServer('honest');
  attacker = await fakeServer('attacker');
  // A file the attacker's kubeconfig would like to read: outside any kubeconfig's folder.
  mkdirSync(join(dir, 'private'));
  writeFileSync(join(dir, 'private', 'secret'), SECRET);
});

after(() => {
  regs.forEach((r) => r.close());
  targets.close();
  servers.forEach((s) => s.close());
  rmSync(dir, { recursive: true, force: true });
});

function registry(sub: string, autoCheck = false): KubeconfigProfiles {
  const r = createKubeconfigProfiles({
    dataDir: join(dir, sub),
    env: { HOME: join(dir, 'home'), PATH: process.env.PATH },
    targets,
    autoCheck,
  });
  regs.push(r);
  return r;
}

const kubeconfig = (cluster: Record<string, unknown>, user: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'p', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'p',
  });

const sawSecret = (name: string) => seen.get(name)!.some((h) => h.includes(SECRET) || h.includes('plugin-token'));

test('a consented exec plugin asks again when server, CA, tls-server-name or proxy-url change; its token never reaches the new server', async () => {
  const plugin = join(dir, 'plugin.sh');
  const runs = join(dir, 'plugin-runs');
  writeFileSync(
    plugin,
    `#!/bin/sh\necho ran >> "${runs}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"plugin-token"}}'\n`,
  );
  chmodSync(plugin, 0o755);
  const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: ['get'] };
  const file = join(dir, 'exec.yaml');
  writeFileSync(file, kubeconfig({ server: honest }, { exec }));
  const reg = registry('exec');
  reg.addSource({ path: file });
  const shown = reg.summary('p')!;
  assert.deepEqual(shown.consent, { files: [], target: { server: honest, ca: 'plain http' }, consented: false });
  // What the app shows is what it sends back (the renderer sends command/args/env; target when it shows it).
  reg.consent('p', { ...shown.exec, target: shown.consent?.target });
  assert.equal((await reg.check('p')).ok, true);
  assert.ok(seen.get('honest')!.includes('Bearer plugin-token'));
  const ranBefore = readFileSync(runs, 'utf8');

  const edits: Array<[string, Record<string, unknown>]> = [
    ['server', { server: attacker }],
    ['tls-server-name', { server: honest.replace('http:', 'https:'), 'tls-server-name': 'evil.example' }],
    ['proxy-url', { server: honest, 'proxy-url': attacker }],
    [
      'certificate-authority-data',
      { server: honest.replace('http:', 'https:'), 'certificate-authority-data': Buffer.from('evil CA').toString('base64') },
    ],
    ['insecure-skip-tls-verify', { server: honest.replace('http:', 'https:'), 'insecure-skip-tls-verify': true }],
  ];
  for (const [what, cluster] of edits) {
    writeFileSync(file, kubeconfig(cluster, { exec }));
    reg.reload();
    const p = reg.summary('p')!;
    assert.equal(p.exec?.consented, false, `${what} changed: consent is asked again`);
    assert.equal(p.consent?.consented, false);
    assert.match(p.reason ?? '', /needs your consent to run/);
    assert.throws(() => reg.get('p')!.kubeConfig(), ExecConsentRequired);
    const c = await reg.check('p');
    assert.equal(c.ok, false);
    assert.match(c.reason ?? '', /needs your consent/);
  }
  // A consent given for the old target, replayed after the edit, is refused (the file changed since it was shown).
  assert.throws(
    () => reg.consent('p', { ...shown.exec, target: shown.consent?.target }),
    (e: { status?: number }) => e.status === 409,
  );
  assert.equal(readFileSync(runs, 'utf8'), ranBefore, 'the plugin did not run for any edited target');
  assert.deepEqual(seen.get('attacker'), [], 'the attacker server saw no request at all');

  // Back to the consented target: allowed again without asking.
  writeFileSync(file, kubeconfig({ server: honest }, { exec }));
  reg.reload();
  assert.equal(reg.summary('p')!.consent?.consented, true);
});

test('a pasted token-file is not read or sent before consent, even by the automatic check', async () => {
  const reg = registry('paste', true);
  reg.removeSource('default');
  const tokenFile = join(dir, 'private', 'secret');
  reg.addSource({ text: kubeconfig({ server: attacker }, { 'token-file': tokenFile }), label: 'sent to me' });
  const p = reg.summary('p')!;
  assert.deepEqual(p.consent?.files, [{ field: 'token-file', path: tokenFile }]);
  assert.equal(p.consent?.consented, false);
  assert.equal(p.reason, `needs your consent to read ${tokenFile}`);
  // Give the automatic check every chance to run.
  await new Promise((r) => setTimeout(r, 300));
  assert.throws(() => reg.get('p')!.kubeConfig(), ExecConsentRequired);
  assert.throws(() => reg.get('p')!.exportKubeConfig!(), ExecConsentRequired, 'exporting would read it too');
  assert.equal((await reg.check('p')).ok, false);
  assert.equal(sawSecret('attacker'), false);
  assert.deepEqual(seen.get('attacker'), [], 'nothing was sent to the server named by the pasted text');
  assert.throws(
    () => reg.consent('p', { files: [{ field: 'token-file', path: '/somewhere/else' }] }),
    (e: { status?: number }) => e.status === 409,
  );
  // The user looked and allowed it: now, and only now, it is read and used.
  reg.consent('p', { files: p.consent?.files, target: p.consent?.target });
  await waitFor('the check after consent', () => Promise.resolve(reg.summary('p')?.status === 'ready'), 5000, 25);
  assert.ok(seen.get('attacker')!.includes(`Bearer ${SECRET}`));
  seen.set('attacker', []);
});

test("files outside an imported kubeconfig's folder need consent; its own folder's do not; auth-provider tokenFile is ignored", async () => {
  const folder = join(dir, 'team');
  mkdirSync(join(folder, 'certs'), { recursive: true });
  mkdirSync(join(folder, '.ssh'));
  writeFileSync(join(folder, 'certs', 'token'), 'own-token');
  writeFileSync(join(folder, '.ssh', 'id'), 'hidden');
  symlinkSync(join(dir, 'private', 'secret'), join(folder, 'certs', 'link'));
  const write = (name: string, user: Record<string, unknown>) => {
    writeFileSync(join(folder, name), kubeconfig({ server: attacker }, user));
    return join(folder, name);
  };
  const reg = registry('folder');
  reg.removeSource('default');
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['own.yaml', { 'token-file': 'certs/token' }, false],
    ['up.yaml', { 'token-file': '../private/secret' }, true],
    ['link.yaml', { 'token-file': 'certs/link' }, true],
    ['hidden.yaml', { 'token-file': '.ssh/id' }, true],
    ['key.yaml', { 'client-certificate': 'certs/token', 'client-key': join(dir, 'private', 'secret') }, true],
  ];
  for (const [name, user, needs] of cases) {
    const src = reg.addSource({ path: write(name, user) });
    const p = reg.summary(src.profiles[0])!;
    assert.equal(p.consent !== undefined, needs, `${name}: consent ${needs ? '' : 'not '}needed`);
    if (needs) assert.throws(() => reg.get(p.name)!.kubeConfig(), ExecConsentRequired);
    reg.removeSource(src.id);
  }
  const own = reg.addSource({ path: write('own2.yaml', { 'token-file': 'certs/token' }) });
  assert.equal((await reg.check(own.profiles[0])).ok, true);
  assert.ok(seen.get('attacker')!.includes('Bearer own-token'), "a token file in the kubeconfig's own folder is used as before");

  const ap = reg.addSource({
    path: write('ap.yaml', { 'auth-provider': { name: 'oidc', config: { tokenFile: join(dir, 'private', 'secret') } } }),
  });
  await reg.check(ap.profiles[0]);
  assert.equal(sawSecret('attacker'), false, "client-node's auth-provider tokenFile is not honoured");
  seen.set('attacker', []);
});

test("a copied kubeconfig inlines only its own folder's files; a token-file elsewhere stays a reference that needs consent", () => {
  const folder = join(dir, 'copyme');
  mkdirSync(folder);
  writeFileSync(join(folder, 'config'), kubeconfig({ server: attacker }, { 'token-file': join(dir, 'private', 'secret') }));
  const reg = registry('copy');
  reg.removeSource('default');
  const s = reg.addSource({ path: join(folder, 'config'), copy: true });
  const copies = join(dir, 'copy', 'profiles', 'copies');
  for (const f of readdirSync(copies)) assert.ok(existsSync(join(copies, f)));
  const p = reg.summary(s.profiles[0])!;
  assert.deepEqual(p.consent?.files, [{ field: 'token-file', path: join(dir, 'private', 'secret') }]);
  assert.throws(() => reg.get(p.name)!.kubeConfig(), ExecConsentRequired);
  assert.deepEqual(seen.get('attacker'), []);
});
