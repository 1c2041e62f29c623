import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { buildKubeconfigEntries, kubeconfigYaml } from './kubeconfig';

void test('the standalone kubeconfig, written without a YAML library, reads back as the entries with their context current', () => {
  const creds = { caCert: '-----BEGIN CERTIFICATE-----\nCA\n', adminCert: 'cert: "x"\n', adminKey: 'key #1' };
  const entries = buildKubeconfigEntries('dev', 'https://127.0.0.1:6443', creds);
  const text = kubeconfigYaml(entries);
  assert.deepEqual(parse(text), {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [entries.cluster],
    users: [entries.user],
    contexts: [entries.context],
    'current-context': 'skiff-dev',
    preferences: {},
  });
  // As client-go programs and kubectl read it (client-node follows their loader).
  const kc = new KubeConfig();
  kc.loadFromString(text);
  assert.equal(kc.getCurrentContext(), 'skiff-dev');
  assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
  assert.equal(Buffer.from(kc.getCurrentUser()!.certData!, 'base64').toString(), 'cert: "x"\n');
});
