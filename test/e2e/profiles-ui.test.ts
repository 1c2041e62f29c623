// Issue 6 acceptance in the app (Playwright, browser mode): a fixture kubeconfig with a 3-node
// Skiff cluster (token user), a second Skiff cluster (client certificate) and a closed port,
// imported through "+ Import"; the sidebar shows all three with their state, the multi-node one
// has 3 nodes, the unreachable one says why without blocking the others, edits of the watched
// file show up live, an exec plugin runs only after consent in the UI, a broken file gets its
// own error row, and the user's kubeconfig is byte-identical at the end. With Docker: a pod
// shell on an imported Docker-backed cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { describeDocker } from '../docker/docker-available';
import { startDockerCluster, type DockerCluster } from '../docker/docker-cluster';
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from '../docker/images';
import { startApiFixture, type ApiFixture } from '../integration/api-fixture';
import { startSimCluster, type SimCluster } from '../integration/sim-cluster';
import { startAppFixture, type AppFixture } from './app-fixture';
import { screenshot } from './browser';
import { waitFor } from '../wait-for';
import { writeProfilesFixture } from '../integration/profiles-fixture';

const until = (what: string, fn: () => Promise<boolean>, timeoutMs = 15_000) => waitFor(what, fn, timeoutMs, 200);

const entry = (page: Page, name: string) => page.locator(`[data-testid="profile-entry"][data-profile="${name}"]`);
const statusOf = (page: Page, name: string) => entry(page, name).getAttribute('data-status', { timeout: 1000 });

async function importPath(page: Page, path: string): Promise<void> {
  await page.getByTestId('import-button').click();
  await page.getByTestId('import-path').fill(path);
  await page.getByTestId('import-submit').click();
  await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 10_000 });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** An API server whose user may read pods in some namespaces but list neither namespaces nor nodes. */
function restrictedApi(): Server {
  return createHttpServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/version') return send(200, { major: '1', minor: '30', gitVersion: 'v1.30.0-restricted' });
    if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (path === '/api/v1') {
      return send(200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'] },
          { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'] },
        ],
      });
    }
    const what = path.split('/').filter(Boolean).pop() ?? '';
    send(403, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: `${what} is forbidden: User "dev" cannot list resource "${what}"`,
    });
  });
}

describe('kubeconfig profiles in the app (issue 6)', () => {
  let sim: SimCluster;
  let second: ApiFixture;
  let f: AppFixture;
  let page: Page;
  let dir: string;
  let home: string;
  let userConfig: string;
  let userConfigText: string;
  let fixture: string;
  let deadPort: number;
  let saToken: string;
  let doc: any;
  const pageErrors: string[] = [];
  type KubeCluster = { server: string; 'certificate-authority-data': string };
  const multiCluster = () => (doc as { clusters: Array<{ cluster: KubeCluster }> }).clusters[0].cluster;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-profiles-ui-'));
    home = join(dir, 'home');
    mkdirSync(home);
    [sim, second, deadPort] = await Promise.all([startSimCluster({ nodes: 3, name: 'multi' }), startApiFixture(), freePort()]);
    // RBAC is on: the token user stands for a remote cluster's admin, as a kubeconfig user usually is.
    await sim.ok(['create', 'clusterrolebinding', 'profiles-sa-admin', '--clusterrole=cluster-admin', '--serviceaccount=default:default']);
    saToken = (await sim.ok(['create', 'token', 'default', '--duration=1h'])).trim();

    // The user's own kubeconfig ($KUBECONFIG): read as the default source, never written.
    userConfig = join(dir, 'user-kubeconfig');
    userConfigText = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n# mine: Skiff must not touch this file\n';
    writeFileSync(userConfig, userConfigText, { mode: 0o600 });

    ({ file: fixture, doc } = writeProfilesFixture(dir, { sim, second, deadPort, saToken }));

    f = await startAppFixture({ HOME: home, KUBECONFIG: userConfig });
    page = f.page;
    page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
    await page.getByTestId('first-run').waitFor({ timeout: 15_000 });
  });

  after(async () => {
    if (page) await screenshot(page, 'profiles-last');
    await f?.close();
    await Promise.all([sim?.stop(), second?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test(
    'importing the fixture by path shows its three profiles: ready, ready, and the refused one with its reason',
    { timeout: 40_000 },
    async () => {
      await page.getByTestId('import-button').click();
      await page.getByTestId('import-path').fill('relative/config');
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-error').filter({ hasText: 'not an absolute path' }).waitFor();
      await page.getByTestId('import-path').fill(join(dir, 'nowhere.yaml'));
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-error').filter({ hasText: 'no such file' }).waitFor();
      await page.getByTestId('import-path').fill(fixture);
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 10_000 });

      await until(
        'multi and single ready, down unreachable',
        async () =>
          (await statusOf(page, 'multi')) === 'ready' &&
          (await statusOf(page, 'single')) === 'ready' &&
          (await statusOf(page, 'down')) === 'unreachable',
        20_000,
      );
      assert.equal(
        (await entry(page, 'down').getByTestId('profile-reason').innerText()).trim(),
        `connection refused at 127.0.0.1:${deadPort}`,
      );
      assert.equal(await entry(page, 'multi').getByTestId('profile-reason').count(), 0, 'a ready profile shows no reason');
      assert.match(await page.locator('[data-testid="source-group"]').first().innerText(), /clusters\.yaml/i);
      await screenshot(page, 'profiles-01-imported');
    },
  );

  test('the multi-node profile shows its 3 nodes: in the overview and in the Nodes view', { timeout: 30_000 }, async () => {
    await entry(page, 'multi').getByTestId('profile-select').click();
    await until(
      '3 Ready nodes in the overview',
      async () => (await page.locator('[data-testid="node-row"][data-ready="true"]').count()) === 3,
    );
    await page.getByTestId('nav-nodes').click();
    await until('3 rows in the Nodes view', async () => (await page.locator('[data-testid="row"]').count()) === 3);
    assert.equal(await page.getByTestId('list-count').innerText(), '3');
    await page.locator('[data-testid="row"]').first().click();
    await page.getByTestId('node-capacity').waitFor();
    await page.getByTestId('node-pods').waitFor();
    // Which machine the node is, and its agent's heartbeat (the node Lease).
    assert.match(await page.getByTestId('node-machine').innerText(), /^simulated/);
    await until('the node agent answering', async () =>
      /^answering \(heartbeat \d+ s ago\)$/.test(await page.getByTestId('node-agent-health').innerText()),
    );
    await screenshot(page, 'profiles-02-nodes');
  });

  test('"Copy kubeconfig" in the profile menu copies a kubeconfig for that profile only', { timeout: 15_000 }, async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: f.url });
    await page.getByTestId('profile-menu-multi').click();
    await page.getByTestId('copy-kubeconfig').click();
    await page.locator('.toast', { hasText: 'Copied a kubeconfig for multi' }).waitFor({ timeout: 10_000 });
    const copied = parseYaml(await page.evaluate(() => navigator.clipboard.readText()));
    assert.deepEqual(
      copied.contexts.map((c: { name: string }) => c.name),
      ['multi'],
    );
    assert.equal(copied['current-context'], 'multi');
    assert.equal(copied.users[0].user.token, saToken);
  });

  test('the unreachable profile says why, with "Check again", and does not block the others', { timeout: 30_000 }, async () => {
    await entry(page, 'down').getByTestId('profile-select').click();
    const banner = page.getByTestId('profile-down');
    await banner.waitFor();
    assert.equal((await banner.getByTestId('profile-down-reason').innerText()).trim(), `connection refused at 127.0.0.1:${deadPort}`);
    await banner.getByTestId('profile-check-again').click();
    await page.locator('.toast', { hasText: `down: connection refused at 127.0.0.1:${deadPort}` }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'profiles-03-unreachable');

    await entry(page, 'single').getByTestId('profile-select').click();
    await page.getByTestId('overview').waitFor();
    await until('the single cluster answers (0 nodes, pods counted)', async () =>
      (await page.getByTestId('phase-Running').innerText()).includes('0'),
    );
    assert.equal(await page.getByTestId('profile-down').count(), 0);
    assert.equal(await statusOf(page, 'multi'), 'ready');
  });

  test(
    'editing the watched file (add a context, remove one) updates the sidebar within seconds, without a reload',
    { timeout: 30_000 },
    async () => {
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });
      const edited = structuredClone(doc);
      edited.contexts = edited.contexts.filter((c: { name: string }) => c.name !== 'down');
      edited.contexts.push({ name: 'extra', context: { cluster: 'single', user: 'admin', namespace: 'kube-system' } });
      const t0 = Date.now();
      writeFileSync(fixture, JSON.stringify(edited, null, 2));
      await until(
        'extra in, down out',
        async () => (await entry(page, 'extra').count()) === 1 && (await entry(page, 'down').count()) === 0,
        8000,
      );
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      assert.equal(
        await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
        true,
        'the page was not reloaded',
      );
      await until('extra checked ready', async () => (await statusOf(page, 'extra')) === 'ready');
      await screenshot(page, 'profiles-04-edited');
    },
  );

  test('an exec plugin runs only after consent in the UI; then its token works', { timeout: 40_000 }, async () => {
    const marker = join(dir, 'plugin-ran');
    const plugin = join(dir, 'fixture', 'token-plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\n# written whole (tmp + rename): client-node runs the plugin on every request, concurrently\necho "$@" > "${marker}.$$" && mv "${marker}.$$" "${marker}"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "${saToken}"\n`,
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
    await importPath(page, execFile);
    await entry(page, 'plugged').waitFor();
    assert.match(await entry(page, 'plugged').getByTestId('profile-reason').innerText(), /needs your consent to run token-plugin\.sh/);

    await entry(page, 'plugged').getByTestId('profile-select').click();
    const dialog = page.getByTestId('consent-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('consent-command').innerText(), plugin);
    assert.match(await dialog.getByTestId('consent-args').innerText(), /--for\s*multi/);
    assert.match(await dialog.getByTestId('consent-env').innerText(), /REGION/);
    assert.doesNotMatch(await dialog.innerText(), /\bhere\b/, 'env values are not shown');
    // Where the plugin's token goes, as the consent is bound to it (issue 12): the server and the
    // CA certificate's fingerprint, as `openssl x509 -fingerprint -sha256` prints it.
    assert.equal(await dialog.getByTestId('consent-server').innerText(), multiCluster().server);
    const caPem = Buffer.from(multiCluster()['certificate-authority-data'], 'base64').toString();
    assert.equal(await dialog.getByTestId('consent-ca-fingerprint').innerText(), `SHA-256 ${new X509Certificate(caPem).fingerprint256}`);
    assert.match(await dialog.getByTestId('consent-files').innerText(), /none outside/);
    await screenshot(page, 'profiles-05-consent');
    await new Promise((r) => setTimeout(r, 1000)); // give anything the chance to (wrongly) run it
    assert.equal(existsSync(marker), false, 'nothing ran before consent');

    await dialog.getByTestId('consent-allow').click();
    await dialog.waitFor({ state: 'detached' });
    await until("the plugin's token lists 3 nodes", async () => (await page.locator('[data-testid="node-row"]').count()) === 3, 20_000);
    assert.equal(readFileSync(marker, 'utf8').trim(), '--for multi');
    await until('plugged ready in the sidebar', async () => (await statusOf(page, 'plugged')) === 'ready');
  });

  test(
    "a token file outside the kubeconfig's folder is read only after the dialog showed it and its target",
    { timeout: 30_000 },
    async () => {
      const secrets = join(dir, 'elsewhere');
      mkdirSync(secrets, { recursive: true });
      const tokenFile = join(secrets, 'token');
      writeFileSync(tokenFile, saToken, { mode: 0o600 });
      const cfg = join(dir, 'fixture', 'token-file.yaml');
      writeFileSync(
        cfg,
        JSON.stringify({
          clusters: [{ name: 'tf', cluster: { ...multiCluster(), 'tls-server-name': 'localhost' } }],
          users: [{ name: 'tf', user: { tokenFile } }],
          contexts: [{ name: 'tokfile', context: { cluster: 'tf', user: 'tf' } }],
        }),
      );
      await importPath(page, cfg);
      await entry(page, 'tokfile').waitFor();
      assert.match(await entry(page, 'tokfile').getByTestId('profile-reason').innerText(), /needs your consent to read/);
      await entry(page, 'tokfile').getByTestId('profile-select').click();
      // The banner's button opens it; so does the proxy's first refusal (reason ExecConsentRequired).
      const dialog = page.getByTestId('consent-dialog');
      await Promise.race([
        dialog.waitFor(),
        page
          .getByTestId('profile-consent-open')
          .click()
          .catch(() => {}),
      ]);
      await dialog.waitFor();
      assert.match(await dialog.locator('#consent-title').innerText(), /read credential files/);
      assert.equal(await dialog.getByTestId('consent-command').count(), 0, 'no command runs');
      assert.match(await dialog.getByTestId('consent-file').innerText(), new RegExp(`${tokenFile}\\s+token file`));
      assert.equal(await dialog.getByTestId('consent-server').innerText(), multiCluster().server);
      assert.equal(await dialog.getByTestId('consent-tls-name').innerText(), 'localhost');
      await screenshot(page, 'profiles-05b-consent-files');
      await dialog.getByTestId('consent-allow').click();
      await dialog.waitFor({ state: 'detached' });
      await until("tokfile ready with the file's token", async () => (await statusOf(page, 'tokfile')) === 'ready', 20_000);
    },
  );

  test(
    'a dropped kubeconfig file is imported (and removed after confirming); a broken file in an imported folder gets its own error row',
    { timeout: 30_000 },
    async () => {
      const dropped = JSON.stringify({
        clusters: [doc.clusters[0]],
        users: [{ name: 'sa', user: { token: saToken } }],
        contexts: [{ name: 'dropped', context: { cluster: 'multi', user: 'sa' } }],
      });
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.yaml', { type: 'application/yaml' }));
        for (const type of ['dragenter', 'dragover', 'drop'])
          window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, dropped);
      await until('dropped ready', async () => (await statusOf(page, 'dropped')) === 'ready');
      await page.getByTestId('profile-menu-dropped').click();
      await page.getByTestId('profile-remove').click();
      await page.getByTestId('confirm-dialog').filter({ hasText: 'Remove profile dropped?' }).waitFor();
      await page.getByTestId('confirm-button').click();
      await until('dropped removed', async () => (await entry(page, 'dropped').count()) === 0);

      const team = join(dir, 'team-configs');
      mkdirSync(team);
      writeFileSync(join(team, 'broken.yaml'), 'apiVersion: v1\nclusters:\n  - name: x\n    cluster: {server: "https://x"\n');
      await importPath(page, team);
      const row = page.getByTestId('source-error').filter({ hasText: join(team, 'broken.yaml') });
      await row.waitFor();
      assert.match(await row.innerText(), /not valid YAML/);
      assert.equal(await statusOf(page, 'multi'), 'ready', 'other profiles are unaffected');
      await screenshot(page, 'profiles-06-problems');
    },
  );

  test('a user who may not list namespaces gets the allow-list in the namespace picker, and can edit it', { timeout: 30_000 }, async () => {
    const api = restrictedApi();
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const file = join(dir, 'fixture', 'restricted.yaml');
      writeFileSync(
        file,
        JSON.stringify({
          clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${(api.address() as { port: number }).port}` } }],
          users: [{ name: 'dev', user: { token: 'dev-token' } }],
          contexts: [{ name: 'restricted', context: { cluster: 'fake', user: 'dev', namespace: 'team-a' } }],
        }),
      );
      await importPath(page, file);
      await until('restricted ready', async () => (await statusOf(page, 'restricted')) === 'ready');
      await entry(page, 'restricted').getByTestId('profile-select').click();
      const picker = page.getByTestId('namespace-picker');
      await until(
        'the allow-list in the picker',
        async () => (await picker.getAttribute('data-from')) === 'allow-list' && (await picker.inputValue()) === 'team-a',
      );
      assert.deepEqual(await picker.locator('option').allInnerTexts(), ['team-a'], 'no "All namespaces": listing them is forbidden');
      await page.getByTestId('edit-namespaces').click();
      await page.getByTestId('allowed-namespaces').fill('team-b, team-c');
      await page.getByTestId('confirm-button').click();
      await until(
        'team-b and team-c offered',
        async () => (await picker.locator('option').allInnerTexts()).join() === 'team-a,team-b,team-c',
      );
      await picker.selectOption('team-b');
      assert.equal(await picker.inputValue(), 'team-b');
      await screenshot(page, 'profiles-07-allow-list');
    } finally {
      api.closeAllConnections();
      await new Promise((r) => api.close(r));
    }
  });

  test("the user's kubeconfig is byte-identical after all of it, and ~/.kube was never created; the page threw nothing", () => {
    assert.deepEqual(pageErrors, []);
    assert.equal(readFileSync(userConfig, 'utf8'), userConfigText);
    assert.equal(existsSync(join(home, '.kube')), false);
  });
});

await describeDocker('a pod shell on an imported Docker-backed cluster (issue 6)', async () => {
  let dc: DockerCluster;
  let f: AppFixture;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-profiles-docker-'));
    const userConfig = join(dir, 'user-kubeconfig');
    writeFileSync(userConfig, '');
    dc = await startDockerCluster('pshell', 'skiff-profiles-docker-');
    const run = await dc.kubectl(['run', 'sh1', `--image=${BUSYBOX_IMAGE}`, '--restart=Never', '--command', '--', 'sleep', '3600']);
    assert.equal(run.code, 0, run.stderr);
    f = await startAppFixture({ HOME: dir, KUBECONFIG: userConfig, SKIFF_SANDBOX_IMAGE: PAUSE_IMAGE });
  });
  after(async () => {
    if (f) await screenshot(f.page, 'profiles-docker-last');
    await f?.close();
    await dc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('import its kubeconfig, open a shell on its pod, type in it', { timeout: 90_000 }, async () => {
    const page = f.page;
    await importPath(page, dc.cp.kubeconfigPath);
    await until('skiff-pshell ready', async () => (await statusOf(page, 'skiff-pshell')) === 'ready', 20_000);
    await entry(page, 'skiff-pshell').getByTestId('profile-select').click();
    await page.getByTestId('nav-pods').click();
    const row = page.locator('[data-testid="row"][data-name="sh1"]');
    await until('sh1 Running', async () => (await row.filter({ hasText: 'Running' }).count()) === 1, 60_000);
    await row.click();
    await page.getByTestId('action-shell').click();
    const terminal = page.locator('[data-testid="terminal"]:not([hidden])');
    await page.locator('[data-testid="terminal"][data-state="open"]:not([hidden])').waitFor({ timeout: 20_000 });
    await terminal.locator('.xterm').click();
    await page.keyboard.type('echo profile-$((6*7))-shell\n');
    await until(
      'the echo in the terminal',
      async () => (await terminal.locator('.xterm-rows').innerText()).includes('profile-42-shell'),
      20_000,
    );
    await screenshot(page, 'profiles-docker-shell');
  });
});
