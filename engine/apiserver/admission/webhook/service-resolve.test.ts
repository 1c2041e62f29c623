import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget, type ServiceLookup } from './service-resolve';
import type { KubeObject } from '../../../kinds/types';

const objects: Record<string, KubeObject> = {
  'svc/ns/hooks': {
    metadata: {},
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ name: 'https', port: 443, targetPort: 8443 }] },
  },
  'ep/ns/hooks': {
    metadata: {},
    subsets: [
      { notReadyAddresses: [{ ip: '10.244.1.9' }], ports: [{ name: 'https', port: 8443 }] },
      { addresses: [{ ip: '10.244.1.7' }], ports: [{ name: 'https', port: 8443 }] },
    ],
  },
  'svc/ns/empty': { metadata: {}, spec: { ports: [{ port: 443 }] } },
  'svc/ns/ext': { metadata: {}, spec: { type: 'ExternalName', externalName: 'hooks.example.test' } },
};
const lookup: ServiceLookup = {
  service: (ns, name) => Promise.resolve(objects[`svc/${ns}/${name}`]),
  endpoints: (ns, name) => Promise.resolve(objects[`ep/${ns}/${name}`]),
};

test('a Service resolves to a ready endpoint of its port, verified as <name>.<namespace>.svc', async () => {
  const t = await resolveTarget({ service: { namespace: 'ns', name: 'hooks', path: '/mutate' }, caBundle: 'Q0E=' }, lookup);
  assert.equal(t.url.toString(), 'https://10.244.1.7:8443/mutate');
  assert.equal(t.serverName, 'hooks.ns.svc');
  assert.equal(t.caBundle, 'Q0E=');
  const ext = await resolveTarget({ service: { namespace: 'ns', name: 'ext', port: 9443 } }, lookup);
  assert.equal(ext.url.toString(), 'https://hooks.example.test:9443/');
});

test('a URL is used as is; missing Services, ports and endpoints are errors', async () => {
  assert.equal((await resolveTarget({ url: 'https://127.0.0.1:9443/v' }, lookup)).url.toString(), 'https://127.0.0.1:9443/v');
  await assert.rejects(resolveTarget({ service: { namespace: 'ns', name: 'gone' } }, lookup), /service "gone" not found/);
  await assert.rejects(
    resolveTarget({ service: { namespace: 'ns', name: 'hooks', port: 80 } }, lookup),
    /no service port 80 found for service "hooks"/,
  );
  await assert.rejects(
    resolveTarget({ service: { namespace: 'ns', name: 'empty' } }, lookup),
    /no endpoints available for service "empty"/,
  );
});
