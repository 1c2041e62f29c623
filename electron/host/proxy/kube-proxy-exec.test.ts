// The kube proxy and credentials that run commands: consent refused as a 401 Status, a plugin
// that is missing or hangs as a 503 saying so — and the host keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeProxy, type KubeProxy } from './kube-proxy';
import { execCommandOf } from '../profiles/exec-consent';
import { ExecConsentRequired, type Profile } from '../profiles/profiles';
import { httpGet } from '../testing/test-http';

let dir: string;
let proxy: KubeProxy;
let server: Server;
let port: number;

function execProfile(name: string, command: string): Profile {
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      'current-context': name,
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: `u-${name}`, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command } } }],
      contexts: [{ name, context: { cluster: 'c', user: `u-${name}` } }],
    }),
  );
  return { name, kubeConfig: () => kc, exec: execCommandOf(kc.getCurrentUser()!) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-pexec-'));
  const hang = join(dir, 'hang.sh');
  writeFileSync(hang, '#!/bin/sh\nsleep 5\n');
  chmodSync(hang, 0o755);
  const gated = execProfile('gated', '/bin/true');
  const profiles: Record<string, Profile> = {
    gated: {
      ...gated,
      kubeConfig: () => {
        throw new ExecConsentRequired('gated', gated.exec!);
      },
    },
    hang: execProfile('hang', hang),
    missing: execProfile('missing', 'skiff-absent-plugin'),
  };
  proxy = createKubeProxy({ profiles: { get: (n) => profiles[n], list: () => [] }, credentialTimeoutMs: 400 });
  server = createServer((req, res) => proxy.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

after(() => {
  proxy.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('no consent: a 401 Status with reason ExecConsentRequired naming the command', async () => {
  const r = await httpGet(port, '/k8s/gated/api/v1/nodes');
  assert.equal(r.status, 401);
  const s = JSON.parse(r.body);
  assert.equal(s.reason, 'ExecConsentRequired');
  assert.equal(s.details.name, 'gated');
  assert.match(s.message, /needs your consent to run its exec plugin: \/bin\/true/);
});

test('a missing plugin says where it looked; a hanging one times out', async () => {
  const missing = await httpGet(port, '/k8s/missing/api/v1/nodes');
  assert.equal(missing.status, 503);
  assert.match(
    JSON.parse(missing.body).message,
    /the exec plugin "skiff-absent-plugin" was not found: it is not on the PATH the app searched/,
  );
  const t0 = Date.now();
  const hang = await httpGet(port, '/k8s/hang/api/v1/nodes');
  assert.equal(hang.status, 503);
  assert.match(JSON.parse(hang.body).message, /the exec plugin ".*hang\.sh" did not finish within 0\.4 s/);
  assert.ok(Date.now() - t0 < 3000);
});
