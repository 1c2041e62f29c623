import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../client/types';
import { createServiceAccountAuthenticator } from './service-account-authn';
import { eventually, startTestCore } from '../testing/test-cluster';

test('service-account authn: audience, bound pod, recreated objects and legacy Secrets', async () => {
  const tc = await startTestCore();
  const { core, client } = tc;
  const authn = core.serviceAccountAuthn;
  const tokens = core.serviceAccountTokens;
  try {
    await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
    const sa = await client.create(R.serviceaccounts, 'a', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } });
    const podSpec = { containers: [{ name: 'c', image: 'x' }], serviceAccountName: 'bot' };
    const pod = await client.create(R.pods, 'a', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec });
    const saUid = sa.metadata.uid!;
    const bound = tokens.issue('a', 'bot', saUid, { pod: { name: 'p', uid: pod.metadata.uid! } });

    const user = await authn.authenticate(bound);
    assert.equal(user?.user, 'system:serviceaccount:a:bot');
    assert.equal(user?.uid, saUid);
    assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-name'], ['p']);
    assert.ok(!(authn.authenticate(bound) instanceof Promise), 'a cached answer needs no store read');

    // Audience: another audience's token is not the API's, but TokenReview for it says yes.
    const vault = tokens.issue('a', 'bot', saUid, { audiences: ['vault'] });
    assert.equal(await authn.authenticate(vault), undefined);
    assert.deepEqual((await authn.review(vault, ['vault', 'other'])).audiences, ['vault']);
    assert.match((await authn.review(vault)).error ?? '', /audiences/);

    // The pod goes, and comes back under the same name: the token stays dead.
    await client.delete(R.pods, 'a', 'p', { gracePeriodSeconds: 0 });
    await client.create(R.pods, 'a', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec });
    assert.equal(await authn.authenticate(bound), undefined);
    assert.match((await authn.review(bound)).error ?? '', /invalidated: its pod/);

    // With the lookups off (benchmarks only) the same token would pass: the check is what refuses it.
    authn.setRevocationChecks(false);
    assert.equal((await authn.authenticate(bound))?.user, 'system:serviceaccount:a:bot');
    authn.setRevocationChecks(true);

    // Legacy: good only while its Secret holds exactly this token.
    const legacy = tokens.issue('a', 'bot', saUid, { legacy: { secretName: 'bot-token' } });
    assert.equal(await authn.authenticate(legacy), undefined, 'no such Secret');
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'bot-token', annotations: { 'kubernetes.io/service-account.name': 'bot' } },
      data: { token: Buffer.from(legacy).toString('base64') },
    };
    await client.create(R.secrets, 'a', secret);
    assert.equal((await authn.authenticate(legacy))?.user, 'system:serviceaccount:a:bot');
    const other = tokens.issue('a', 'bot', saUid, { legacy: { secretName: 'bot-token' } });
    assert.equal(await authn.authenticate(other), undefined, 'a token the Secret does not hold');
  } finally {
    await tc.close();
  }
});

test('a token bound to a pod being deleted is refused once its deletionTimestamp is a minute past (upstream leeway)', async () => {
  const tc = await startTestCore();
  const { core, client } = tc;
  let clock = Date.now();
  const authn = createServiceAccountAuthenticator({ tokens: core.serviceAccountTokens, store: core.deps.store, now: () => clock });
  try {
    await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'd' } });
    const sa = await client.create(R.serviceaccounts, 'd', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } });
    // A finalizer keeps the pod after deletion, as a stuck controller or a grace period would.
    const pod = await client.create(R.pods, 'd', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
      spec: { containers: [{ name: 'c', image: 'x' }], serviceAccountName: 'bot' },
    });
    const token = core.serviceAccountTokens.issue('d', 'bot', sa.metadata.uid!, { pod: { name: 'held', uid: pod.metadata.uid! } });
    assert.equal((await authn.authenticate(token))?.user, 'system:serviceaccount:d:bot');
    await client.delete(R.pods, 'd', 'held', { gracePeriodSeconds: 0 });
    const deleting = await client.get(R.pods, 'd', 'held');
    assert.ok(deleting.metadata.deletionTimestamp, 'still there, marked for deletion');
    const at = Date.parse(String(deleting.metadata.deletionTimestamp));
    clock = at + 61_000;
    await eventually(async () => (await authn.authenticate(token)) === undefined, 'the cache sees the deletionTimestamp');
    assert.match((await authn.review(token)).error ?? '', /invalidated: its pod no longer exists, was replaced or is being deleted/);
    // Within the leeway it still works, as upstream (the same answer is not cached across time).
    clock = at + 30_000;
    assert.equal((await authn.authenticate(token))?.user, 'system:serviceaccount:d:bot');
    clock = at + 61_000;
    assert.equal(await authn.authenticate(token), undefined);
  } finally {
    authn.stop();
    await tc.close();
  }
});
