import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';

const eventuallyDefined = async <T>(check: () => T | Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> =>
  (await eventually(check, what, ms)) as NonNullable<T>;
import { R } from '../client/types';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import { createServiceAccountTokens, generateSigningKey } from '../pki/service-account-tokens';
import { createServiceAccountController, createServiceAccountTokenController, type ServiceAccountDeps } from './serviceaccount';

test('default service account and CA configmap per namespace; token secrets get filled', async () => {
  const tc = await startTestCore();
  const c = tc.client;
  const informers = createInformerFactory(c);
  const tokens = createServiceAccountTokens({ privateKey: generateSigningKey() });
  const deps: ServiceAccountDeps = {
    client: c,
    informers,
    events: createEventRecorder({ client: c, component: 't' }),
    log: () => {},
    now: () => new Date(),
    serviceAccountTokens: tokens,
    caCert: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n',
  };
  const ctrls = [createServiceAccountController(deps), createServiceAccountTokenController(deps)];
  for (const x of ctrls) await x.start();
  await informers.start();
  try {
    await c.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await eventually(() => c.get(R.serviceaccounts, 'team', 'default').catch(() => undefined), 'default SA in team');
    await eventually(() => c.get(R.serviceaccounts, 'kube-system', 'default').catch(() => undefined), 'default SA in kube-system');
    const cm = await eventuallyDefined(() => c.get(R.configmaps, 'team', 'kube-root-ca.crt').catch(() => undefined), 'root CA configmap');
    assert.equal(cm.data?.['ca.crt'], deps.caCert);

    // Deleted default SA comes back.
    await c.delete(R.serviceaccounts, 'team', 'default');
    await eventually(() => c.get(R.serviceaccounts, 'team', 'default').catch(() => undefined), 'default SA recreated');

    await c.create(R.serviceaccounts, 'team', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } });
    await c.create(R.secrets, 'team', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'bot-token', annotations: { 'kubernetes.io/service-account.name': 'bot' } },
    });
    const s = await eventuallyDefined(async () => {
      const x = await c.get(R.secrets, 'team', 'bot-token');
      return x.data?.token ? x : undefined;
    }, 'token filled');
    const token = Buffer.from(s.data.token, 'base64').toString();
    const claims = tokens.verify(token);
    assert.equal(claims?.serviceAccount.name, 'bot');
    assert.equal(claims?.legacy?.secretName, 'bot-token');
    assert.equal(Buffer.from(s.data.namespace, 'base64').toString(), 'team');
    assert.ok(s.data['ca.crt']);
    assert.ok(s.metadata.annotations?.['kubernetes.io/service-account.uid']);

    // The account goes: so does its token secret.
    await c.delete(R.serviceaccounts, 'team', 'bot');
    await eventually(
      () =>
        c.get(R.secrets, 'team', 'bot-token').then(
          () => false,
          (e) => e.code === 404,
        ),
      'token secret removed',
    );
  } finally {
    ctrls.forEach((x) => x.stop());
    informers.stop();
    await tc.close();
  }
});
