import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPki } from '../pki/create-pki';
import { caCertHash, parseBootstrapToken } from '../pki/bootstrap-token';
import { writeClusterConfig } from './cluster-config';
import { buildKubeconfigEntries, kubeconfigYaml } from './kubeconfig';
import { clusterPaths } from './paths';
import { createJoinToken, joinCommandFor, type AdminApi } from './join-token';

interface SecretBody {
  metadata: { name: string };
  type: string;
  stringData: Record<string, string>;
}

function recordingApi(status = 201) {
  const calls: { method: string; path: string; body: SecretBody }[] = [];
  const api: AdminApi = {
    call: (method, path, body) => {
      calls.push({ method, path, body: body as SecretBody });
      return Promise.resolve({ status, body: status === 201 ? body : { message: 'secrets is forbidden' } });
    },
  };
  return { api, calls };
}

test('createJoinToken stores a kubeadm-style bootstrap token Secret that expires after the TTL', async () => {
  const { api, calls } = recordingApi();
  const now = Date.parse('2026-01-02T03:04:05.678Z');
  const t = await createJoinToken(api, 3600, now);
  const parsed = parseBootstrapToken(t.token);
  assert.equal(parsed?.id, t.id);
  assert.equal(t.expiration, '2026-01-02T04:04:05Z');
  assert.equal(calls.length, 1);
  const { method, path, body } = calls[0];
  assert.equal(`${method} ${path}`, 'POST /api/v1/namespaces/kube-system/secrets');
  assert.equal(body.metadata.name, `bootstrap-token-${t.id}`);
  assert.equal(body.type, 'bootstrap.kubernetes.io/token');
  assert.equal(body.stringData['token-secret'], parsed?.secret);
  assert.equal(body.stringData.expiration, t.expiration);
  assert.equal(body.stringData['usage-bootstrap-authentication'], 'true');
});

test('a TTL of 0 never expires; a refused create is a SkiffError with the reason', async () => {
  const { api, calls } = recordingApi();
  const t = await createJoinToken(api, 0);
  assert.equal(t.expiration, undefined);
  assert.equal('expiration' in calls[0].body.stringData, false);
  await assert.rejects(createJoinToken(recordingApi(403).api, 60), {
    name: 'SkiffError',
    what: 'cannot create the token: secrets is forbidden',
  });
});

test('joinCommandFor names the advertised address, port and CA hash; loopback-only is flagged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-join-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = clusterPaths(dir, 'c1');
  mkdirSync(paths.dir, { recursive: true });
  const pki = await createPki();
  writeFileSync(paths.kubeconfig, kubeconfigYaml(buildKubeconfigEntries('c1', 'https://127.0.0.1:6555', pki)));
  const base = { name: 'c1', port: 6555, datastore: 'sqlite' as const, created: '2026-01-01T00:00:00Z' };
  writeClusterConfig(paths.config, base);
  const hash = caCertHash(pki.caCert);
  assert.deepEqual(joinCommandFor(paths, 'abcdef.0123456789abcdef'), {
    command: `skiff join https://127.0.0.1:6555 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${hash}`,
    loopbackOnly: true,
  });
  writeClusterConfig(paths.config, { ...base, advertiseAddress: '192.168.7.9' });
  assert.deepEqual(joinCommandFor(paths, 'abcdef.0123456789abcdef'), {
    command: `skiff join https://192.168.7.9:6555 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${hash}`,
    loopbackOnly: false,
  });
});
