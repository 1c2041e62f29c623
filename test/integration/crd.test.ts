// CustomResourceDefinitions over HTTP: conditions only once served, discovery, CRUD, lists,
// watch, patch types, validation/defaulting/pruning, status and scale, versions, deletion.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startCrdFixture, widgetCrd, type CrdFixture } from './crd-fixture';
import { waitFor } from '../wait-for';

let c: CrdFixture;
const G = 'stable.skiff.dev';
const base = `/apis/${G}/v1/namespaces/default/widgets`;
const widget = (name: string, spec: object = { size: 'S' }, extra: object = {}) => ({
  apiVersion: `${G}/v1`,
  kind: 'Widget',
  metadata: { name, ...extra },
  spec,
});

before(async () => {
  c = await startCrdFixture();
});
after(async () => {
  await c?.close();
});

describe('establishing', () => {
  test('a new CRD says nothing until served, then NamesAccepted and Established with upstream reasons', async () => {
    const created = await c.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.status.conditions, []);
    assert.deepEqual(created.body.status.storedVersions, ['v1']);
    const crd = await waitFor(
      'Established',
      async () => {
        const g = await c.http('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${G}`);
        return g.body.status.conditions.some((x: any) => x.type === 'Established') ? g.body : undefined;
      },
      2_000,
      20,
    );
    // Established is written only after the kinds are installed, so the list is served now.
    assert.equal((await c.http('GET', base)).status, 200);
    const cond = Object.fromEntries(crd.status.conditions.map((x: any) => [x.type, x]));
    assert.deepEqual([cond.NamesAccepted.status, cond.NamesAccepted.reason], ['True', 'NoConflicts']);
    assert.deepEqual([cond.Established.status, cond.Established.reason], ['True', 'InitialNamesAccepted']);
    assert.equal(crd.status.acceptedNames.kind, 'Widget');
    assert.deepEqual(crd.status.acceptedNames.shortNames, ['wd']);
  });

  test('a second CRD claiming the same plural in the group is not accepted', async () => {
    const dup = widgetCrd();
    dup.metadata.name = `gadgets.${G}`;
    dup.spec.names = { plural: 'gadgets', singular: 'gadget', kind: 'Widget' };
    assert.equal((await c.http('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', dup)).status, 201);
    const crd = await waitFor('NamesAccepted', async () => {
      const g = await c.http('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${G}`);
      return g.body.status.conditions.length ? g.body : undefined;
    });
    const cond = Object.fromEntries(crd.status.conditions.map((x: any) => [x.type, x]));
    assert.deepEqual([cond.NamesAccepted.status, cond.NamesAccepted.reason], ['False', 'KindConflict']);
    assert.deepEqual([cond.Established.status, cond.Established.reason], ['False', 'NotAccepted']);
    assert.equal((await c.http('GET', `/apis/${G}/v1/namespaces/default/gadgets`)).status, 404);
    await c.http('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${G}`);
  });
});

describe('discovery', () => {
  test('OpenAPI v3 and v2 publish the schema; custom PATCH takes no strategic merge', async () => {
    const index = await c.http('GET', '/openapi/v3');
    assert.ok(index.body.paths[`apis/${G}/v1`]);
    const doc = (await c.http('GET', `/openapi/v3/apis/${G}/v1`)).body;
    const schema = doc.components.schemas['dev.skiff.stable.v1.Widget'];
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: G, kind: 'Widget', version: 'v1' }]);
    assert.deepEqual(schema.properties.spec.required, ['size']);
    assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    const patch = doc.paths[`/apis/${G}/v1/namespaces/{namespace}/widgets/{name}`].patch;
    assert.deepEqual(Object.keys(patch.requestBody.content), [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
    const v2 = await c.http('GET', '/openapi/v2');
    assert.ok(v2.body.definitions['dev.skiff.stable.v1.Widget']);
  });

  test('/apis lists the group with v1 preferred; the version lists resources and subresources', async () => {
    const apis = await c.http('GET', '/apis');
    const group = apis.body.groups.find((g: any) => g.name === G);
    assert.deepEqual(
      group.versions.map((v: any) => v.version),
      ['v1', 'v1beta1'],
    );
    assert.equal(group.preferredVersion.version, 'v1');
    const list = await c.http('GET', `/apis/${G}/v1`);
    const byName = Object.fromEntries(list.body.resources.map((r: any) => [r.name, r]));
    assert.deepEqual(byName.widgets.shortNames, ['wd']);
    assert.deepEqual(byName.widgets.categories, ['skiff']);
    assert.equal(byName.widgets.namespaced, true);
    assert.equal(byName['widgets/status'].kind, 'Widget');
    assert.equal(byName['widgets/scale'].kind, 'Scale');
  });
});

describe('custom objects', () => {
  test('create defaults, get, update, and generation tracks spec changes', async () => {
    const r = await c.http('POST', base, widget('a', { size: 'M' }, { labels: { tier: 'one' } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.replicas, 1);
    assert.equal(r.body.spec.color, 'blue');
    assert.equal(r.body.metadata.generation, 1);
    const got = (await c.http('GET', `${base}/a`)).body;
    got.spec.size = 'L';
    const put = await c.http('PUT', `${base}/a`, got);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.metadata.generation, 2);
  });

  test('invalid objects: 422 naming each bad field with upstream wording', async () => {
    const r = await c.http(
      'POST',
      base,
      widget('bad', { size: 'XL', replicas: 20, label: 'waytoolong', tags: ['a', 'b', 'c'], port: true, note: null }),
    );
    assert.equal(r.status, 422);
    const causes = Object.fromEntries(r.body.details.causes.map((x: any) => [x.field, x.message]));
    assert.equal(causes['spec.size'], 'Unsupported value: "XL": supported values: "S", "M", "L"');
    assert.equal(causes['spec.replicas'], 'Invalid value: 20: spec.replicas in body should be less than or equal to 10');
    assert.equal(causes['spec.tags'], 'Too many: 3: must have at most 2 items');
    assert.match(causes['spec.label'], /Too long/);
    assert.equal(causes['spec.port'], 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"');
    assert.equal(causes['spec.note'], undefined, 'nullable accepts null');
    assert.match(r.body.message, /^Widget\.stable\.skiff\.dev "bad" is invalid: \[/);
    const missing = await c.http('POST', base, widget('bad2', { replicas: 1 }));
    assert.equal(missing.body.details.causes[0].field, 'spec.size');
    assert.equal(missing.body.details.causes[0].message, 'Required value');
    const typed = await c.http('POST', base, widget('bad3', { size: 'S', replicas: 'two' }));
    assert.equal(typed.body.details.causes[0].message, 'Invalid value: "string": spec.replicas in body must be of type integer: "string"');
    const pattern = await c.http('POST', base, widget('bad4', { size: 'S', label: 'ABC' }));
    assert.equal(pattern.body.details.causes[0].message, `Invalid value: "ABC": spec.label in body should match '^[a-z]+$'`);
  });

  test('unknown fields are pruned with a warning, or refused with fieldValidation=Strict', async () => {
    const r = await c.http('POST', base, widget('pruned', { size: 'S', bogus: 1, extra: { kept: true } }, { labels: { a: 'b' } }));
    assert.equal(r.status, 201);
    assert.equal(r.body.spec.bogus, undefined);
    assert.deepEqual(r.body.spec.extra, { kept: true });
    assert.match(String(r.headers.warning), /unknown field \\"spec.bogus\\"/);
    const strict = await c.http('POST', `${base}?fieldValidation=Strict`, widget('strict', { size: 'S', bogus: 1 }));
    assert.equal(strict.status, 400);
    assert.match(strict.body.message, /strict decoding error: unknown field "spec.bogus"/);
  });

  test('merge and JSON patch work; strategic merge is 415 as upstream', async () => {
    const merge = await c.http('PATCH', `${base}/a`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
    assert.equal(merge.body.spec.replicas, 4);
    const json = await c.http('PATCH', `${base}/a`, [{ op: 'replace', path: '/spec/color', value: 'red' }], 'application/json-patch+json');
    assert.equal(json.body.spec.color, 'red');
    const smp = await c.http('PATCH', `${base}/a`, { spec: { replicas: 2 } }, 'application/strategic-merge-patch+json');
    assert.equal(smp.status, 415);
    assert.match(smp.body.message, /accepted media types include: application\/json-patch\+json, application\/merge-patch\+json/);
    const invalid = await c.http('PATCH', `${base}/a`, { spec: { size: 'XXL' } }, 'application/merge-patch+json');
    assert.equal(invalid.status, 422);
  });

  test('status subresource: main writes keep status, status writes keep spec', async () => {
    const cur = (await c.http('GET', `${base}/a`)).body;
    const st = await c.http('PUT', `${base}/a/status`, {
      ...cur,
      spec: { size: 'S' },
      status: { phase: 'Ready', replicas: 4, selector: 'app=a' },
    });
    assert.equal(st.status, 200, JSON.stringify(st.body));
    assert.equal(st.body.status.phase, 'Ready');
    assert.equal(st.body.spec.size, 'L');
    const main = await c.http('PATCH', `${base}/a`, { status: { phase: 'Broken' } }, 'application/merge-patch+json');
    assert.equal(main.body.status.phase, 'Ready');
  });

  test('scale subresource reads and writes the CRD paths', async () => {
    const s = await c.http('GET', `${base}/a/scale`);
    assert.deepEqual([s.body.kind, s.body.spec.replicas, s.body.status.replicas, s.body.status.selector], ['Scale', 4, 4, 'app=a']);
    const w = await c.http('PATCH', `${base}/a/scale`, { spec: { replicas: 6 } }, 'application/merge-patch+json');
    assert.equal(w.body.spec.replicas, 6);
    assert.equal((await c.http('GET', `${base}/a`)).body.spec.replicas, 6);
  });

  test('every served version reads the same objects in its own apiVersion', async () => {
    const b = await c.http('GET', `/apis/${G}/v1beta1/namespaces/default/widgets/a`);
    assert.equal(b.body.apiVersion, `${G}/v1beta1`);
    assert.equal(b.headers.warning, `299 - "${G}/v1beta1 Widget is deprecated; use ${G}/v1 Widget"`);
    assert.equal((await c.http('GET', `${base}/a`)).headers.warning, undefined);
    const made = await c.http('POST', `/apis/${G}/v1beta1/namespaces/default/widgets`, {
      ...widget('from-beta'),
      apiVersion: `${G}/v1beta1`,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal((await c.http('GET', `${base}/from-beta`)).body.apiVersion, `${G}/v1`);
    // Lists of both versions in turn: each names its own apiVersion (they share stored keys).
    for (const v of ['v1', 'v1beta1', 'v1']) {
      const list = await c.http('GET', `/apis/${G}/${v}/namespaces/default/widgets`);
      assert.deepEqual([...new Set(list.body.items.map((i: any) => i.apiVersion))], [`${G}/${v}`]);
    }
    const wrong = await c.http('POST', base, { ...widget('x'), apiVersion: `${G}/v1beta1` });
    assert.equal(wrong.status, 400);
  });

  test('after an API server restart the CRD is served again from the store', async () => {
    await c.f.restartServer();
    const r = await c.http('GET', `${base}/a`);
    assert.equal(r.status, 200);
    assert.equal(r.body.spec.size, 'L');
  });

  test('lists page, and filter by labels and metadata.name / metadata.namespace', async () => {
    const page = await c.http('GET', `${base}?limit=1`);
    assert.equal(page.body.kind, 'WidgetList');
    assert.equal(page.body.items.length, 1);
    const rest = await c.http('GET', `${base}?limit=10&continue=${encodeURIComponent(page.body.metadata.continue)}`);
    assert.ok(rest.body.items.length >= 2);
    assert.deepEqual(
      (await c.http('GET', `${base}?labelSelector=tier%3Done`)).body.items.map((i: any) => i.metadata.name),
      ['a'],
    );
    assert.deepEqual(
      (await c.http('GET', `/apis/${G}/v1/widgets?fieldSelector=metadata.name%3Dpruned,metadata.namespace%3Ddefault`)).body.items.map(
        (i: any) => i.metadata.name,
      ),
      ['pruned'],
    );
  });

  test('Table output carries the printer columns with typed cells', async () => {
    const t = await new Promise<any>((resolve, reject) => {
      const req = request(
        new URL(`${base}/a`, c.f.server.url),
        {
          ca: c.f.pki.caCert,
          headers: { Authorization: `Bearer ${c.f.pki.adminToken}`, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
        },
        (res) => {
          let s = '';
          res.on('data', (d) => (s += d));
          res.on('end', () => resolve(JSON.parse(s)));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(
      t.columnDefinitions.map((d: any) => [d.name, d.type, d.priority]),
      [
        ['Name', 'string', 0],
        ['Size', 'string', 0],
        ['Replicas', 'integer', 0],
        ['Phase', 'string', 0],
        ['Age', 'date', 0],
        ['Color', 'string', 1],
      ],
    );
    const [name, size, replicas, phase, age, color] = t.rows[0].cells;
    assert.deepEqual([name, size, replicas, phase, color], ['a', 'L', 6, 'Ready', 'red']);
    assert.match(age, /^\d+s$/);
  });

  test('watch (with watch=True, the Python spelling) sees changes', async () => {
    const rv = (await c.http('GET', base)).body.metadata.resourceVersion;
    const events: any[] = [];
    const req = request(new URL(`${base}?watch=True&resourceVersion=${rv}`, c.f.server.url), {
      ca: c.f.pki.caCert,
      headers: { Authorization: `Bearer ${c.f.pki.adminToken}` },
    });
    const got = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        if (res.statusCode !== 200) reject(new Error(`watch: ${res.statusCode}`));
        let buf = '';
        res.on('data', (d) => {
          buf += d;
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            events.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
          if (events.length) resolve();
        });
      });
      req.on('error', () => {});
    });
    req.end();
    await c.http('PATCH', `${base}/a`, { metadata: { labels: { watched: 'yes' } } }, 'application/merge-patch+json');
    await got;
    req.destroy();
    assert.equal(events[0].type, 'MODIFIED');
    assert.equal(events[0].object.metadata.labels.watched, 'yes');
  });

  test('ownerReferences garbage-collect both ways between custom and built-in objects', async () => {
    const owner = (await c.http('POST', base, widget('owner'))).body;
    const ref = (o: any) => [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid }];
    const cm = await c.http('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'owned', ownerReferences: ref(owner) } });
    assert.equal(cm.status, 201);
    const parent = (await c.http('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'parent' } })).body;
    const child = await c.http(
      'POST',
      base,
      widget('child', { size: 'S' }, { ownerReferences: ref({ ...parent, apiVersion: 'v1', kind: 'ConfigMap' }) }),
    );
    assert.equal(child.status, 201);
    await c.http('DELETE', `${base}/owner`);
    await c.http('DELETE', '/api/v1/namespaces/default/configmaps/parent');
    await waitFor(
      'dependents collected',
      async () => {
        const a = await c.http('GET', '/api/v1/namespaces/default/configmaps/owned');
        const b = await c.http('GET', `${base}/child`);
        return a.status === 404 && b.status === 404;
      },
      10_000,
    );
  });

  test('deletecollection by label', async () => {
    await c.http('POST', base, widget('doomed', { size: 'S' }, { labels: { doomed: 'yes' } }));
    const r = await c.http('DELETE', `${base}?labelSelector=doomed%3Dyes`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.items.map((i: any) => i.metadata.name),
      ['doomed'],
    );
    assert.equal((await c.http('GET', `${base}/doomed`)).status, 404);
  });
});

describe('cluster scope and deletion', () => {
  test('a cluster-scoped CRD serves objects without namespaces', async () => {
    const crd = widgetCrd('cluster.skiff.dev');
    crd.spec.scope = 'Cluster';
    await c.establish(crd);
    const r = await c.http('POST', '/apis/cluster.skiff.dev/v1/widgets', { ...widget('global'), apiVersion: 'cluster.skiff.dev/v1' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.metadata.namespace, undefined);
    assert.equal((await c.http('GET', '/apis/cluster.skiff.dev/v1/namespaces/default/widgets')).status, 404);
  });

  test('a terminating CRD refuses new objects until its last object (held by a finalizer) is gone', async () => {
    const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.cluster.skiff.dev';
    const objects = '/apis/cluster.skiff.dev/v1/widgets';
    await c.http('PATCH', `${objects}/global`, { metadata: { finalizers: ['skiff.dev/hold'] } }, 'application/merge-patch+json');
    assert.equal((await c.http('DELETE', crdPath)).status, 200);
    const refused = await waitFor('create refused', async () => {
      const r = await c.http('POST', objects, { ...widget('late'), apiVersion: 'cluster.skiff.dev/v1' });
      return r.status === 405 ? r : undefined;
    });
    assert.equal(refused.body.message, 'create not allowed while custom resource definition is terminating');
    const crd = (await c.http('GET', crdPath)).body;
    const terminating = crd.status.conditions.find((x: any) => x.type === 'Terminating');
    assert.equal(terminating.status, 'True');
    await c.http('PATCH', `${objects}/global`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await waitFor('CRD gone', async () => (await c.http('GET', crdPath)).status === 404, 5_000, 50);
  });

  test('deleting a CRD deletes its objects first, then it leaves discovery', async () => {
    assert.ok((await c.http('GET', base)).body.items.length > 0);
    const del = await c.http('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${G}`);
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.finalizers.includes('customresourcecleanup.apiextensions.k8s.io'));
    await waitFor(
      'CRD gone',
      async () => (await c.http('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${G}`)).status === 404,
      5_000,
      50,
    );
    assert.equal(await c.f.store.count(`/registry/${G}/widgets/`), 0);
    await waitFor('out of discovery', async () => (await c.http('GET', `/apis/${G}/v1`)).status === 404, 2_000, 20);
    assert.equal((await c.http('GET', base)).status, 404);
    assert.ok(!(await c.http('GET', '/apis')).body.groups.some((g: any) => g.name === G));
    assert.equal((await c.http('GET', '/openapi/v3')).body.paths[`apis/${G}/v1`], undefined);
    assert.equal((await c.http('GET', '/openapi/v2')).body.definitions['dev.skiff.stable.v1.Widget'], undefined);
  });
});
