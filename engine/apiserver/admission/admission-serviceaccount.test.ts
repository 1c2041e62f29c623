import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServiceAccountAdmission } from './admission-serviceaccount';
import type { AdmissionStorage } from './admission-chain';

const sas = [
  { metadata: { name: 'default', namespace: 'a' } },
  { metadata: { name: 'puller', namespace: 'a' }, imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }] },
  { metadata: { name: 'puller', namespace: 'b' }, imagePullSecrets: [{ name: 'b-cred' }] },
] as any[];
const storage = {
  list: async (_g: string, _v: string, plural: string, ns?: string) =>
    plural === 'serviceaccounts' ? sas.filter((s) => s.metadata.namespace === ns) : [],
} as unknown as AdmissionStorage;
const podDef = { group: '', plural: 'pods' } as any;
const pod = (ns: string, spec: object) =>
  ({ metadata: { name: 'p', namespace: ns }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } }) as any;

test("a new pod gets its ServiceAccount's imagePullSecrets", async () => {
  const sa = createServiceAccountAdmission(storage);
  const p = pod('a', { serviceAccountName: 'puller' });
  await sa.admit(podDef, p, undefined, false);
  assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'regcred' }, { name: 'other' }]);
  const q = pod('b', { serviceAccountName: 'puller' });
  await sa.admit(podDef, q, undefined, false);
  assert.deepEqual(q.spec.imagePullSecrets, [{ name: 'b-cred' }], 'the namespace of the pod decides');
});

test("the pod's own imagePullSecrets win; no secrets, updates and other kinds are left alone", async () => {
  const sa = createServiceAccountAdmission(storage);
  const own = pod('a', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'mine' }] });
  await sa.admit(podDef, own, undefined, false);
  assert.deepEqual(own.spec.imagePullSecrets, [{ name: 'mine' }]);
  const plain = pod('a', { serviceAccountName: 'default' });
  await sa.admit(podDef, plain, undefined, false);
  assert.equal(plain.spec.imagePullSecrets, undefined);
  const missing = pod('a', { serviceAccountName: 'nobody' });
  await sa.admit(podDef, missing, undefined, false);
  assert.equal(missing.spec.imagePullSecrets, undefined);
  const upd = pod('a', { serviceAccountName: 'puller' });
  await sa.admit(podDef, upd, pod('a', {}), false);
  assert.equal(upd.spec.imagePullSecrets, undefined);
});
