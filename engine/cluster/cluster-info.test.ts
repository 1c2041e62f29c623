import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { clusterInfoKubeconfig } from './cluster-info';

test('cluster-info kubeconfig: written without the YAML library, read back by YAML as kubeadm writes it (the cluster name empty)', () => {
  const ca = '-----BEGIN CERTIFICATE-----\nMIIB"quoted"\\back\n-----END CERTIFICATE-----\n';
  const text = clusterInfoKubeconfig('https://192.168.1.10:6443', ca);
  assert.deepEqual(parse(text), {
    apiVersion: 'v1',
    clusters: [
      { cluster: { 'certificate-authority-data': Buffer.from(ca).toString('base64'), server: 'https://192.168.1.10:6443' }, name: '' },
    ],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: null,
  });
});
