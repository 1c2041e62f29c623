// "Add a machine" (issue 15, the app's part): a local cluster's menu shows the `skiff join`
// command with a fresh bootstrap token (its Secret really exists in kube-system), the CA hash
// of this cluster, a copy button and the token's expiry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { caCertHash } from '../../engine/pki/bootstrap-token';
import { startAppFixture, startClusterThroughApp, type AppFixture } from './app-fixture';
import { goto, screenshot } from './browser';

const CLUSTER = 'addmach';
let f: AppFixture;
let profile: string;

before(async () => {
  f = await startAppFixture();
  profile = await startClusterThroughApp(f, CLUSTER);
});
after(async () => {
  if (f) await screenshot(f.page, 'add-machine-last');
  await f?.close();
});

test('"Add a machine" shows a working join command with its token\'s expiry, and copies it', { timeout: 60_000 }, async () => {
  const page = f.page;
  await goto(page, `${f.url}/#/c/${profile}`);
  await page.getByTestId(`cluster-menu-${CLUSTER}`).click();
  const t0 = Date.now();
  await page.getByTestId('cluster-add-machine').click();
  const dialog = page.getByTestId('add-machine-dialog');
  const command = (await dialog.getByTestId('join-command').innerText({ timeout: 20_000 })).trim();
  const kubeconfig = parse(readFileSync(join(f.dataDir, CLUSTER, 'kubeconfig'), 'utf8')) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  };
  const c = kubeconfig.clusters[0].cluster;
  const hash = caCertHash(Buffer.from(c['certificate-authority-data'], 'base64').toString());
  const m = /^skiff join (https:\/\/\S+) --token ([a-z0-9]{6})\.([a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})$/.exec(
    command,
  );
  assert.ok(m, `a kubeadm-style join command: ${command}`);
  assert.equal(new URL(m[1]).port, new URL(c.server).port, "this cluster's API port");
  assert.equal(m[4], hash, "this cluster's CA hash");
  const secret = await page.request.get(`${f.url}/k8s/${profile}/api/v1/namespaces/kube-system/secrets/bootstrap-token-${m[2]}`);
  assert.equal(secret.status(), 200, 'the token exists in the cluster');
  const data = ((await secret.json()) as { data: Record<string, string> }).data;
  assert.equal(Buffer.from(data['token-secret'], 'base64').toString(), m[3]);
  const expires = Date.parse(Buffer.from(data.expiration, 'base64').toString());
  assert.ok(Math.abs(expires - (t0 + 24 * 3600_000)) < 120_000, 'a 24 h token, as kubeadm and skiff token create make');
  assert.match(
    await dialog.getByTestId('join-expires').innerText(),
    new RegExp(`expires .*\\(${Buffer.from(data.expiration, 'base64').toString()}\\)`),
  );
  assert.match(await dialog.getByTestId('join-warning').innerText(), /loopback only/, 'says no other machine can reach it yet');
  await screenshot(page, 'add-machine');

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: f.url });
  await dialog.getByTestId('join-copy').click();
  await page.getByText('Join command copied').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), command);
  await dialog.getByTestId('add-machine-close').click();
  await dialog.waitFor({ state: 'detached' });
});
