// Issue 6 acceptance, minus the UI: a kubeconfig with three contexts (a 3-node Skiff cluster
// reached with a service-account token, a second Skiff cluster with a client certificate, and
// a closed port) imported with the real `skiff profiles` CLI, checked, served by the app's
// proxy, edited live, an exec plugin gated by consent, malformed files reported — and the
// user's ~/.kube/config byte-identical after all of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../electron/host/app-main';
import type { ProfileSource, ProfileSummary } from '../../electron/host/protocol';
import { httpGet } from '../../electron/host/testing/test-http';
import { loginHeaders } from '../../electron/host/testing/session-login';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { run } from './harness';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { waitFor } from '../wait-for';
import { writeProfilesFixture } from './profiles-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000) => waitFor(what, check, timeoutMs, 100);

describe('kubeconfig profiles (issue 6)', () => {
  let sim: SimCluster;
  let second: ApiFixture;
  let app: RunningApp | undefined;
  let dir: string;
  let home: string;
  let dataDir: string;
  let fixture: string;
  let homeConfig: string;
  let deadPort: number;
  let saToken: string;
  let headers: Record<string, string>;
  let doc: any;

  const skiff = (...args: string[]) =>
    run(process.execPath, [join(process.cwd(), 'bin/skiff.mjs'), 'profiles', ...args, '--data-dir', dataDir], {
      env: { HOME: home },
      timeoutMs: 60_000,
    });
  const api = (path: string, method = 'GET', body?: unknown) =>
    httpGet(
      app!.port,
      path,
      { ...headers, 'content-type': 'application/json' },
      method,
      body === undefined ? undefined : JSON.stringify(body),
    );
  const profiles = async () => JSON.parse((await api('/api/profiles')).body) as ProfileSummary[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-profiles-it-'));
    home = join(dir, 'home');
    dataDir = join(dir, 'data');
    [sim, second] = await Promise.all([startSimCluster({ nodes: 3, name: 'multi' }), startApiFixture()]);
    // RBAC is on: the token user stands for a remote cluster's admin, as a kubeconfig user usually is.
    await sim.ok(['create', 'clusterrolebinding', 'profiles-sa-admin', '--clusterrole=cluster-admin', '--serviceaccount=default:default']);
    saToken = (await sim.ok(['create', 'token', 'default', '--duration=1h'])).trim();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    deadPort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));

    // The user's own kubeconfig: read (it is the default source), never written.
    mkdirSync(join(home, '.kube'), { recursive: true });
    homeConfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: far\n  cluster:\n    server: https://127.0.0.1:${deadPort}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: home-ctx\n  context:\n    cluster: far\n    user: me\nusers:\n- name: me\n  user:\n    token: keep-me\n`;
    writeFileSync(join(home, '.kube', 'config'), homeConfig, { mode: 0o600 });

    ({ file: fixture, doc } = writeProfilesFixture(dir, { sim, second, deadPort, saToken }));
  });

  after(async () => {
    await app?.close();
    await Promise.all([sim?.stop(), second?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('skiff profiles import lists the three contexts; check: ready, ready, connection refused', { timeout: 90_000 }, async () => {
    const imported = await skiff('import', fixture);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /by reference .*: 3 profiles: multi, single, down\./);
    const list = await skiff('list');
    assert.equal(list.code, 0, list.stderr);
    for (const name of ['multi', 'single', 'down'])
      assert.match(list.stdout, new RegExp(`^${name}\\s+https://127\\.0\\.0\\.1:\\d+\\s+unknown`, 'm'));
    assert.match(list.stdout, /^home-ctx\s/m, 'the default kubeconfig is a source too');

    const [multi, single, down] = await Promise.all([skiff('check', 'multi'), skiff('check', 'single'), skiff('check', 'down')]);
    assert.equal(multi.code, 0, multi.stdout + multi.stderr);
    assert.match(multi.stdout, /^multi: ready \(https:\/\/127\.0\.0\.1:\d+, v1\.\d+\.\d+\+skiff, 3 nodes\)/);
    assert.equal(single.code, 0, single.stdout + single.stderr);
    assert.match(single.stdout, /^single: ready \(.*, 0 nodes\)/);
    assert.equal(down.code, 1);
    assert.equal(down.stdout.trim(), `down: unreachable: connection refused at 127.0.0.1:${deadPort}`);
  });

  test('the app lists them and proxies /k8s/<profile>/ like a local cluster', { timeout: 60_000 }, async () => {
    mkdirSync(join(dir, 'web'), { recursive: true });
    writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html>');
    app = await startApp({
      dataDir,
      env: { ...process.env, HOME: home, KUBECONFIG: undefined },
      staticDir: join(dir, 'web'),
      pollMs: 0,
      profilePollMs: 500,
    });
    headers = await loginHeaders(app.port, app.launchUrl);
    const names = (await profiles()).map((p) => p.name);
    for (const n of ['multi', 'single', 'down', 'home-ctx']) assert.ok(names.includes(n), `${n} in ${names}`);

    const nodes = await api('/k8s/multi/api/v1/nodes');
    assert.equal(nodes.status, 200, nodes.body);
    assert.equal(JSON.parse(nodes.body).items.length, 3);
    const ns = await api('/k8s/single/api/v1/namespaces');
    assert.equal(ns.status, 200, ns.body);
    const down = await api('/k8s/down/api/v1/nodes');
    assert.equal(down.status, 503);
    assert.match(JSON.parse(down.body).message, new RegExp(`connection refused at 127\\.0\\.0\\.1:${deadPort}`));
    // The background check reaches the same verdicts without blocking one another.
    const checked = await until('background checks', async () => {
      const all = await profiles();
      const by = Object.fromEntries(all.map((p) => [p.name, p]));
      return by.multi?.status === 'ready' && by.single?.status === 'ready' && by.down?.status === 'unreachable' && by;
    });
    assert.equal(checked.multi.nodeCount, 3);
    assert.equal(checked.down.reason, `connection refused at 127.0.0.1:${deadPort}`);
  });

  test('editing the watched file (add a context, remove one) changes the list within seconds', { timeout: 30_000 }, async () => {
    const edited = structuredClone(doc);
    edited.contexts = edited.contexts.filter((c: { name: string }) => c.name !== 'down');
    edited.contexts.push({ name: 'extra', context: { cluster: 'single', user: 'admin', namespace: 'kube-system' } });
    const t0 = Date.now();
    writeFileSync(fixture, JSON.stringify(edited, null, 2));
    await until(
      'extra in, down out',
      async () => {
        const names = (await profiles()).map((p) => p.name);
        return names.includes('extra') && !names.includes('down');
      },
      5000,
    );
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    assert.equal((await api('/k8s/extra/api/v1/namespaces/kube-system')).status, 200);
  });

  test('an exec plugin runs only after consent, then its token is used', { timeout: 30_000 }, async () => {
    const marker = join(dir, 'plugin-ran');
    const plugin = join(dir, 'fixture', 'token-plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\necho "$@" > "${marker}"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "${saToken}"\n`,
    );
    chmodSync(plugin, 0o755);
    const execFile = join(dir, 'fixture', 'exec.yaml');
    writeFileSync(
      execFile,
      JSON.stringify({
        clusters: [doc.clusters[0]],
        users: [
          {
            name: 'plugged',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: './token-plugin.sh',
                args: ['--for', 'multi'],
                env: [{ name: 'REGION', value: 'here' }],
              },
            },
          },
        ],
        contexts: [{ name: 'plugged', context: { cluster: 'multi', user: 'plugged' } }],
      }),
    );
    const added = await api('/api/profile-sources', 'POST', { path: execFile });
    assert.equal(added.status, 201, added.body);
    assert.deepEqual((JSON.parse(added.body) as ProfileSource).profiles, ['plugged']);
    const p = (await profiles()).find((x) => x.name === 'plugged')!;
    assert.deepEqual(p.exec, {
      command: plugin,
      args: ['--for', 'multi'],
      env: [{ name: 'REGION', value: 'here' }],
      via: 'exec',
      consented: false,
    });
    const denied = await api('/k8s/plugged/api/v1/nodes');
    assert.equal(denied.status, 401);
    assert.equal(JSON.parse(denied.body).reason, 'ExecConsentRequired');
    await sleep(1000); // give a background check every chance to (wrongly) run it
    assert.equal(existsSync(marker), false, 'nothing ran before consent');

    const ok = await api('/api/profiles/plugged/consent', 'POST', { command: p.exec!.command, args: p.exec!.args, env: p.exec!.env });
    assert.equal(ok.status, 200, ok.body);
    const nodes = await api('/k8s/plugged/api/v1/nodes');
    assert.equal(nodes.status, 200, nodes.body);
    assert.equal(JSON.parse(nodes.body).items.length, 3, "the plugin's token was accepted");
    assert.equal(readFileSync(marker, 'utf8').trim(), '--for multi');
  });

  test('malformed files name the file and the problem; other profiles are unaffected', { timeout: 60_000 }, async () => {
    const bad = join(dir, 'team-configs');
    mkdirSync(bad);
    writeFileSync(join(bad, 'broken.yaml'), 'apiVersion: v1\nclusters:\n  - name: x\n    cluster: {server: "https://x"\n');
    writeFileSync(
      join(bad, 'nocluster.yaml'),
      JSON.stringify({
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'orphan', context: { cluster: 'gone', user: 'u' } }],
      }),
    );
    writeFileSync(
      join(bad, 'badcert.yaml'),
      JSON.stringify({
        clusters: [{ name: 'c', cluster: { server: second.server.url } }],
        users: [{ name: 'u', user: { 'client-certificate': 'missing/admin.crt', 'client-key': 'missing/admin.key' } }],
        contexts: [{ name: 'nocert', context: { cluster: 'c', user: 'u' } }],
      }),
    );
    const imported = await skiff('import', bad);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`problem: ${join(bad, 'broken.yaml')}: not valid YAML: .*line \\d+`));
    assert.match(
      imported.stdout,
      new RegExp(
        `problem: ${join(bad, 'nocluster.yaml')} \\(context orphan\\): context "orphan" names cluster "gone", but .*nocluster\\.yaml does not define it`,
      ),
    );
    assert.match(
      imported.stdout,
      new RegExp(
        `problem: ${join(bad, 'badcert.yaml')} \\(context nocert\\): cannot read client-certificate ${join(bad, 'missing/admin.crt')}: no such file`,
      ),
    );
    const direct = await skiff('import', join(bad, 'broken.yaml'));
    assert.equal(direct.code, 1);
    assert.match(direct.stderr, /^skiff: cannot import .*broken\.yaml: not valid YAML/);

    const sources = await until('the app sees the folder', async () =>
      (JSON.parse((await api('/api/profile-sources')).body) as ProfileSource[]).find((s) => s.kind === 'dir'),
    );
    assert.ok(sources.errors.some((e) => e.file === join(bad, 'broken.yaml') && /not valid YAML/.test(e.problem)));
    const by = Object.fromEntries((await profiles()).map((x) => [x.name, x]));
    assert.match(by.orphan.error ?? '', /names cluster "gone"/);
    assert.equal(by.orphan.status, 'unknown');
    assert.match(by.nocert.error ?? '', /cannot read client-certificate/);
    const refused = await api('/k8s/nocert/api/v1/nodes');
    assert.equal(refused.status, 503);
    assert.match(JSON.parse(refused.body).message, /cannot read client-certificate/);
    assert.equal((await api('/k8s/multi/api/v1/nodes')).status, 200, 'the others still work');
    const check = await skiff('check', 'multi');
    assert.equal(check.code, 0, check.stdout);
  });

  test("the user's ~/.kube/config is byte-identical after all of it", () => {
    assert.equal(readFileSync(join(home, '.kube', 'config'), 'utf8'), homeConfig);
  });
});
