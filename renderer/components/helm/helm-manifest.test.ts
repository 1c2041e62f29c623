import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestObjects, rollbackSummary } from './helm-manifest';

test("the uninstall confirmation lists the manifest's objects, and which helm keeps", () => {
  const manifest = [
    '---\n# Source: demo/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-demo\n',
    '---\n# Source: demo/templates/pvc.yaml\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: shop\n  annotations:\n    helm.sh/resource-policy: keep\n',
    '---\n# an empty document\n',
    '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-demo\n',
  ].join('');
  assert.deepEqual(manifestObjects(manifest), [
    { kind: 'Service', name: 'web-demo', kept: false },
    { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'shop', kept: true },
    { kind: 'Deployment', name: 'web-demo', kept: false },
  ]);
  assert.deepEqual(manifestObjects(''), []);
  assert.match(rollbackSummary('web', 2, 1), /new revision 3 \("Rollback to 1"\); revision 2 becomes superseded/);
});
