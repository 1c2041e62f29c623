// The kubeconfig the profile tests import: three contexts on two clusters the test started —
// `multi` (3 simulated nodes, a ServiceAccount token user), `single` (client certificate files
// next to the kubeconfig, referenced by relative paths) — and `down`, whose server is a closed port.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ApiFixture } from './api-fixture';
import type { SimCluster } from './sim-cluster';

export function writeProfilesFixture(
  dir: string,
  o: { sim: SimCluster; second: ApiFixture; deadPort: number; saToken: string },
): { file: string; doc: any } {
  const fx = join(dir, 'fixture');
  mkdirSync(join(fx, 'certs'), { recursive: true });
  writeFileSync(join(fx, 'certs', 'ca.crt'), o.second.pki.caCert);
  writeFileSync(join(fx, 'certs', 'admin.crt'), o.second.pki.adminCert);
  writeFileSync(join(fx, 'certs', 'admin.key'), o.second.pki.adminKey, { mode: 0o600 });
  const simCa = parseYaml(readFileSync(o.sim.kubeconfig, 'utf8')).clusters[0].cluster['certificate-authority-data'];
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'multi',
    clusters: [
      { name: 'multi', cluster: { server: o.sim.cp.url, 'certificate-authority-data': simCa } },
      { name: 'single', cluster: { server: o.second.server.url, 'certificate-authority': 'certs/ca.crt' } },
      { name: 'down', cluster: { server: `https://127.0.0.1:${o.deadPort}`, 'insecure-skip-tls-verify': true } },
    ],
    users: [
      { name: 'sa', user: { token: o.saToken } },
      { name: 'admin', user: { 'client-certificate': 'certs/admin.crt', 'client-key': 'certs/admin.key' } },
    ],
    contexts: [
      { name: 'multi', context: { cluster: 'multi', user: 'sa', namespace: 'default' } },
      { name: 'single', context: { cluster: 'single', user: 'admin' } },
      { name: 'down', context: { cluster: 'down', user: 'sa' } },
    ],
  };
  const file = join(fx, 'clusters.yaml');
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return { file, doc };
}
