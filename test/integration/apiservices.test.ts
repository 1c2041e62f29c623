// APIServices: one Local, Available APIService per served group/version (built-in, metrics, CRD
// groups), kept current as CRDs come and go and restored when deleted; one naming a spec.service
// is stored but reported unavailable with a reason (Skiff does not proxy); `kubectl get
// apiservices` as upstream prints it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCrdFixture, widgetCrd, type CrdFixture } from './crd-fixture';
import { waitFor } from '../wait-for';

let c: CrdFixture;
before(async () => {
  c = await startCrdFixture();
});
after(async () => {
  await c?.close();
});

const names = async () => {
  const r = await c.http('GET', '/apis/apiregistration.k8s.io/v1/apiservices');
  assert.equal(r.status, 200);
  return r.body.items.map((o: any) => o.metadata.name) as string[];
};

test('every served group/version has a Local, Available APIService', async () => {
  const list = await names();
  for (const n of [
    'v1.',
    'v1.apps',
    'v2.autoscaling',
    'v1.autoscaling',
    'v1.events.k8s.io',
    'v1.apiregistration.k8s.io',
    'v1beta1.metrics.k8s.io',
  ]) {
    assert.ok(list.includes(n), `${n} in ${list.join(',')}`);
  }
  const apps = (await c.http('GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1.apps')).body;
  assert.deepEqual(apps.spec, { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 });
  assert.equal(apps.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'onstart');
  const cond = apps.status.conditions.find((x: any) => x.type === 'Available');
  assert.equal(cond.status, 'True');
  assert.equal(cond.reason, 'Local');
});

test('a deleted Local APIService comes back', async () => {
  const del = await c.http('DELETE', '/apis/apiregistration.k8s.io/v1/apiservices/v1.batch');
  assert.equal(del.status, 200);
  await waitFor('v1.batch restored', async () => (await names()).includes('v1.batch'), 5_000, 50);
});

test('a CRD group gets its APIServices while served, and loses them when deleted', async () => {
  await c.establish(widgetCrd('apis.skiff.dev'));
  const svc = await waitFor(
    'v1.apis.skiff.dev',
    async () => {
      const r = await c.http('GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1.apis.skiff.dev');
      return r.status === 200 ? r.body : undefined;
    },
    5_000,
    50,
  );
  assert.equal(svc.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'true');
  assert.deepEqual(svc.spec, { group: 'apis.skiff.dev', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 });
  assert.ok((await names()).includes('v1beta1.apis.skiff.dev'));
  const del = await c.http('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.apis.skiff.dev');
  assert.equal(del.status, 200);
  await waitFor('CRD APIServices gone', async () => !(await names()).some((n) => n.endsWith('.apis.skiff.dev')), 5_000, 50);
});

test('an APIService naming a service is stored but unavailable, saying why; bad ones are refused', async () => {
  const r = await c.http('POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.custom.metrics.k8s.io' },
    spec: {
      group: 'custom.metrics.k8s.io',
      version: 'v1beta1',
      service: { namespace: 'monitoring', name: 'prometheus-adapter' },
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.spec.service.port, 443);
  const cond = r.body.status.conditions[0];
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'ServiceProxyNotSupported');
  assert.match(cond.message, /does not proxy.*prometheus-adapter.*custom\.metrics\.k8s\.io\/v1beta1 is not served/);
  // The sync leaves it alone (not automanaged).
  await c.f.server.core.apiServices.sync();
  assert.ok((await names()).includes('v1beta1.custom.metrics.k8s.io'));
  const bad = await c.http('POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'wrong' },
    spec: { group: 'x.dev', version: 'v1', groupPriorityMinimum: 0, versionPriority: 100, service: { namespace: 'a' } },
  });
  assert.equal(bad.status, 422);
  const causes = bad.body.details.causes.map((x: any) => `${x.field}: ${x.message}`);
  assert.ok(causes.includes('metadata.name: Invalid value: "wrong": must be `spec.version+"."+spec.group`: "v1.x.dev"'), causes.join('\n'));
  assert.ok(causes.some((m: string) => m.startsWith('spec.groupPriorityMinimum: ')));
  assert.ok(causes.includes('spec.service.name: Required value'));
});

test('kubectl get apiservices prints NAME SERVICE AVAILABLE AGE', async () => {
  for (const version of ['1.27', '1.33']) {
    const r = await c.kubectl(version, ['get', 'apiservices']);
    assert.equal(r.code, 0, r.stderr);
    const [head, ...rows] = r.stdout.trim().split('\n');
    assert.deepEqual(head.split(/\s+/), ['NAME', 'SERVICE', 'AVAILABLE', 'AGE']);
    assert.ok(
      rows.some((l) => /^v1\.\s+Local\s+True\s+\d+s$/.test(l)),
      r.stdout,
    );
    assert.ok(
      rows.some((l) =>
        /^v1beta1\.custom\.metrics\.k8s\.io\s+monitoring\/prometheus-adapter\s+False \(ServiceProxyNotSupported\)\s+\d+s$/.test(l),
      ),
      r.stdout,
    );
  }
});
