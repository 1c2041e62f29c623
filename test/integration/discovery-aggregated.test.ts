// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1) on /api and /apis: negotiated by
// Accept with upstream's Content-Type and Vary, the documents' shape, kept current as CRDs come
// and go, legacy unchanged; kubectl 1.27 (v2beta1) and 1.33 (v2) discover through it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startCrdFixture, widgetCrd, type CrdFixture } from './crd-fixture';
import { waitFor } from '../wait-for';

let c: CrdFixture;
before(async () => {
  c = await startCrdFixture();
});
after(async () => {
  await c?.close();
});

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

function get(path: string, accept?: string, etag?: string): Promise<{ status: number; headers: any; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${c.f.pki.adminToken}` };
    if (accept) headers.Accept = accept;
    if (etag) headers['If-None-Match'] = etag;
    const req = request(new URL(path, c.f.server.url), { ca: c.f.pki.caCert, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

const find = (doc: any, group: string, version: string, resource: string) =>
  doc.items
    .find((g: any) => (g.metadata.name ?? '') === group)
    ?.versions.find((v: any) => v.version === version)
    ?.resources.find((r: any) => r.resource === resource);

test('negotiation: v2, v2beta1, protobuf passed over, legacy otherwise; Vary: Accept on both', async () => {
  const kubectl133 = `application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${V2},${V2BETA1},application/json`;
  const v2 = await get('/apis', kubectl133);
  assert.equal(v2.status, 200);
  assert.equal(v2.headers['content-type'], V2);
  assert.equal(v2.headers.vary, 'Accept');
  assert.equal(v2.body.kind, 'APIGroupDiscoveryList');
  assert.equal(v2.body.apiVersion, 'apidiscovery.k8s.io/v2');
  const beta = await get('/api', `${V2BETA1},application/json`);
  assert.equal(beta.headers['content-type'], V2BETA1);
  assert.equal(beta.body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  // q-values rank above order; plain JSON preferred means legacy.
  const legacy = await get('/apis', `${V2};q=0.5,application/json`);
  assert.equal(legacy.headers['content-type'], 'application/json');
  assert.equal(legacy.headers.vary, 'Accept');
  assert.equal(legacy.body.kind, 'APIGroupList');
  assert.equal((await get('/api')).body.kind, 'APIVersions');
  // Revalidation with the ETag answers 304.
  assert.ok(v2.headers.etag);
  assert.equal((await get('/apis', V2, v2.headers.etag)).status, 304);
});

test('document shape: scope, verbs, shortNames, categories, subresources, responseKind, freshness', async () => {
  const core = (await get('/api', V2)).body;
  assert.equal(core.items.length, 1);
  assert.deepEqual(
    core.items[0].versions.map((v: any) => [v.version, v.freshness]),
    [['v1', 'Current']],
  );
  const pods = find(core, '', 'v1', 'pods');
  assert.deepEqual(pods.responseKind, { group: '', version: '', kind: 'Pod' });
  assert.equal(pods.scope, 'Namespaced');
  assert.equal(pods.singularResource, 'pod');
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  const evict = pods.subresources.find((s: any) => s.subresource === 'eviction');
  assert.deepEqual(evict, {
    subresource: 'eviction',
    responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
    verbs: ['create'],
  });
  assert.equal(find(core, '', 'v1', 'nodes').scope, 'Cluster');
  assert.equal(find(core, '', 'v1', 'pods/log'), undefined);

  const apis = (await get('/apis', V2)).body;
  assert.equal(
    apis.items.find((g: any) => g.metadata.name === ''),
    undefined,
  );
  const deploy = find(apis, 'apps', 'v1', 'deployments');
  assert.deepEqual(deploy.shortNames, ['deploy']);
  const scale = deploy.subresources.find((s: any) => s.subresource === 'scale');
  assert.deepEqual(scale.responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  // Versions in preference order, as in legacy discovery.
  const autoscaling = apis.items.find((g: any) => g.metadata.name === 'autoscaling');
  assert.deepEqual(
    autoscaling.versions.map((v: any) => v.version),
    ['v2', 'v1'],
  );
  assert.ok(find(apis, 'events.k8s.io', 'v1', 'events'));
  assert.ok(find(apis, 'metrics.k8s.io', 'v1beta1', 'pods'));
  // Every legacy group is in the aggregated document and vice versa.
  const legacyGroups = (await get('/apis')).body.groups.map((g: any) => g.name).sort();
  assert.deepEqual(apis.items.map((g: any) => g.metadata.name).sort(), legacyGroups);
});

test('custom resources appear when their CRD is established and leave when it is deleted', async () => {
  await c.establish(widgetCrd('agg.skiff.dev'));
  const doc = (await get('/apis', V2)).body;
  const w = find(doc, 'agg.skiff.dev', 'v1', 'widgets');
  assert.deepEqual(w.responseKind, { group: '', version: '', kind: 'Widget' });
  assert.deepEqual(w.shortNames, ['wd']);
  assert.deepEqual(w.categories, ['skiff']);
  assert.deepEqual(w.subresources.map((s: any) => s.subresource).sort(), ['scale', 'status']);
  assert.ok(find(doc, 'agg.skiff.dev', 'v1beta1', 'widgets'));
  const del = await c.http('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.agg.skiff.dev');
  assert.equal(del.status, 200);
  await waitFor(
    'widgets gone from aggregated discovery',
    async () => !find((await get('/apis', V2)).body, 'agg.skiff.dev', 'v1', 'widgets'),
    5_000,
    50,
  );
});

for (const [version, wanted] of [
  ['1.27', 'v2beta1'],
  ['1.33', 'v2'],
]) {
  test(`kubectl ${version} discovers through aggregated ${wanted}, custom resources included`, async () => {
    const group = `k${version.replace('.', '')}.skiff.dev`;
    await c.establish(widgetCrd(group));
    const r = await c.kubectl(version, ['api-resources', '-v=8']);
    assert.equal(r.code, 0, r.stderr);
    // kubectl logs the Content-Type of the /api and /apis answers it used.
    assert.match(r.stderr, new RegExp(`Content-Type: application/json;g=apidiscovery.k8s.io;v=${wanted};as=APIGroupDiscoveryList`));
    // ...and so fetches no per-group legacy list (1.27 logs `GET <url> 200`, 1.33 `url="<url>"`).
    assert.doesNotMatch(r.stderr, /\/apis\/apps\/v1([?"\s]|$)/m);
    assert.match(r.stderr, /\/apis[?"\s]/);
    assert.match(r.stdout, new RegExp(`^widgets\\s+wd\\s+${group.replace(/\./g, '\\.')}/v1\\s+true\\s+Widget$`, 'm'));
    assert.match(r.stdout, /^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event$/m);
    assert.match(r.stdout, /^apiservices\s+apiregistration\.k8s\.io\/v1\s+false\s+APIService$/m);
  });
}
