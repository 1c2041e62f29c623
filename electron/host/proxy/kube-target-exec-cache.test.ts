// An exec plugin's credential without an expiry is kept until the server answers 401, instead
// of running the plugin on every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeTargets } from './kube-target';

test('the plugin runs once for many requests, and again after invalidate (a 401)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-exec-cache-'));
  const count = join(dir, 'runs');
  const plugin = join(dir, 'plugin.sh');
  writeFileSync(
    plugin,
    `#!/bin/sh\necho x >> "${count}"\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t%s"}}' "$(wc -l < "${count}" | tr -d ' ')"\n`,
  );
  chmodSync(plugin, 0o755);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [
      { name: 'u', exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: [], env: [], interactiveMode: 'Never' } },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const targets = createKubeTargets();
  try {
    const runs = () => readFileSync(count, 'utf8').trim().split('\n').length;
    const a = await targets.resolve(kc);
    const b = await targets.resolve(kc);
    await targets.resolve(kc, { keepAlive: false });
    assert.equal(a.headers.Authorization, 'Bearer t1');
    assert.equal(b.headers.Authorization, 'Bearer t1');
    assert.equal(runs(), 1);
    targets.invalidate(kc);
    assert.equal((await targets.resolve(kc)).headers.Authorization, 'Bearer t2');
    assert.equal(runs(), 2);
  } finally {
    targets.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
