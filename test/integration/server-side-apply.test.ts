// Server-side apply driven by real kubectl (oldest and newest supported): create and update,
// a second manager's conflict printed readably, --force-conflicts, managedFields shown,
// fields dropped from the manifest removed, --dry-run=server, a custom resource, and raw
// requests for what kubectl cannot send (bad bodies, the conflict Status itself).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { startCrdFixture, widgetCrd, type CrdFixture } from './crd-fixture';

interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}
interface Obj {
  metadata: { labels?: Record<string, string>; managedFields: ManagedEntry[] };
  data?: Record<string, string>;
  spec: {
    replicas?: number;
    size?: string;
    tags?: string[];
    extra?: unknown;
    template: { spec: { containers: { env: { name: string }[] }[] } };
  };
  status: { phase?: string };
  message?: string;
  reason?: string;
  details?: { causes: unknown[] };
}
const parse = (text: string) => JSON.parse(text) as Obj;

let c: CrdFixture;
const http = async (...args: Parameters<CrdFixture['http']>) => {
  const r = await c.http(...args);
  return { status: r.status, body: r.body as Obj };
};
before(async () => {
  c = await startCrdFixture();
});
after(async () => {
  await c?.close();
});

const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, data });

const deployment = (env: { name: string; value: string }[], replicas?: number) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25', env }] },
      },
    },
  });

for (const version of ['1.27', '1.33']) {
  describe(`kubectl ${version} --server-side`, () => {
    const kubectl = (args: string[], input?: string) => c.kubectl(version, args, input);
    const ok = async (args: string[], input?: string) => {
      const r = await kubectl(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const cm = `ssa-${version.replace('.', '')}`;
    const getCm = async () => parse(await ok(['get', 'configmap', cm, '-o', 'json', '--show-managed-fields']));

    test('creates, then updates; a field left out of the manifest is removed', async () => {
      assert.match(await ok(['apply', '--server-side', '-f', '-'], configMap(cm, { a: '1', b: '2' }, { team: 'x' })), /serverside-applied/);
      await ok(['apply', '--server-side', '-f', '-'], configMap(cm, { a: '3' }));
      const obj = await getCm();
      assert.deepEqual(obj.data, { a: '3' });
      assert.equal(obj.metadata.labels, undefined);
      const entry = obj.metadata.managedFields.find((m) => m.manager === 'kubectl');
      assert.equal(entry?.operation, 'Apply');
      assert.deepEqual(entry?.fieldsV1, { 'f:data': { 'f:a': {} } });
    });

    test('another manager changing an owned field conflicts, readably; --force-conflicts wins', async () => {
      const r = await kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], configMap(cm, { a: '4' }));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.a/);
      assert.match(r.stderr, /--force-conflicts/);
      await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], configMap(cm, { a: '4' }));
      const obj = await getCm();
      assert.equal(obj.data?.a, '4');
      const managers = obj.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`);
      assert.ok(managers.includes('other/Apply'), managers.join());
      // kubectl lost its only field, so its entry is gone.
      assert.ok(!managers.includes('kubectl/Apply'), managers.join());
    });

    test('get -o yaml --show-managed-fields shows Apply and Update managers', async () => {
      await ok(['label', 'configmap', cm, 'edited=yes']);
      const out = await ok(['get', 'configmap', cm, '-o', 'yaml', '--show-managed-fields']);
      const obj = parseYaml(out) as Obj;
      const label = obj.metadata.managedFields.find((m) => m.operation === 'Update');
      assert.ok(label, out);
      assert.match(label.manager, /^kubectl/);
      // The label created the labels map: the Update owns it too ("."), as upstream records it.
      assert.deepEqual(label.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:edited': {} } } });
      assert.equal(label.apiVersion, 'v1');
      assert.match(label.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // Without the flag kubectl hides them, as on a real cluster.
      assert.doesNotMatch(await ok(['get', 'configmap', cm, '-o', 'yaml']), /managedFields/);
    });

    test('--dry-run=server changes nothing', async () => {
      await ok(['apply', '--server-side', '--field-manager=other', '--dry-run=server', '-f', '-'], configMap(cm, { a: '9' }));
      assert.equal((await getCm()).data?.a, '4');
    });

    test('client-side apply, then server-side: ownership migrates and a dropped field goes', async () => {
      const name = `${cm}-csa`;
      await ok(['apply', '-f', '-'], configMap(name, { a: '1', b: '2' }));
      await ok(['apply', '--server-side', '-f', '-'], configMap(name, { a: '1' }));
      const obj = parse(await ok(['get', 'configmap', name, '-o', 'json', '--show-managed-fields']));
      assert.deepEqual(obj.data, { a: '1' });
      assert.ok(!obj.metadata.managedFields.some((m) => m.manager === 'kubectl-client-side-apply' && m.fieldsV1['f:data']));
    });

    test('lists merge by key: a second manager adds an env var without touching the first', async () => {
      if (version !== '1.33') return;
      await ok(['apply', '--server-side', '-f', '-'], deployment([{ name: 'A', value: '1' }], 2));
      await ok(['apply', '--server-side', '--field-manager=sidecar', '-f', '-'], deployment([{ name: 'B', value: '2' }]));
      const d = parse(await ok(['get', 'deployment', 'web', '-o', 'json']));
      assert.deepEqual(
        d.spec.template.spec.containers[0].env.map((e) => e.name),
        ['A', 'B'],
      );
      assert.equal(d.spec.replicas, 2);
      // The first manager drops its env var: only B is left.
      await ok(['apply', '--server-side', '-f', '-'], deployment([], 2));
      const after = parse(await ok(['get', 'deployment', 'web', '-o', 'json']));
      assert.deepEqual(
        after.spec.template.spec.containers[0].env.map((e) => e.name),
        ['B'],
      );
    });
  });
}

describe('custom resources', () => {
  const group = 'ssa.skiff.dev';
  const widget = (spec: Record<string, unknown>) =>
    JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec });

  test('apply, conflict and force on a CRD-defined resource', async () => {
    await c.establish(widgetCrd(group) as object);
    const kubectl = (args: string[], input?: string) => c.kubectl('1.33', args, input);
    let r = await kubectl(['apply', '--server-side', '-f', '-'], widget({ size: 'S', tags: ['a'], extra: { x: { y: 1 } } }));
    assert.equal(r.code, 0, r.stderr);
    r = await kubectl(['apply', '--server-side', '--field-manager=ops', '-f', '-'], widget({ size: 'M' }));
    assert.match(r.stderr, /conflict with "kubectl": \.spec\.size/);
    r = await kubectl(['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-f', '-'], widget({ size: 'M' }));
    assert.equal(r.code, 0, r.stderr);
    // kubectl stops applying extra: it goes; size now belongs to ops and stays.
    r = await kubectl(['apply', '--server-side', '-f', '-'], widget({ tags: ['a'] }));
    assert.equal(r.code, 0, r.stderr);
    const got = await http('GET', `/apis/${group}/v1/namespaces/default/widgets/w`);
    assert.equal(got.body.spec.size, 'M');
    assert.deepEqual(got.body.spec.tags, ['a']);
    assert.equal(got.body.spec.extra, undefined);
    const kube = got.body.metadata.managedFields.find((m) => m.manager === 'kubectl');
    assert.deepEqual(kube?.fieldsV1, { 'f:spec': { 'f:tags': {} } });
  });
});

describe('raw requests', () => {
  // On the Widget the custom-resource test above applied.
  test('apply to /status owns status fields only; a main-resource apply cannot take them', async () => {
    const group = 'ssa.skiff.dev';
    const base = `/apis/${group}/v1/namespaces/default/widgets`;
    const body = (status: object) => JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Widget', status });
    const r = await http('PATCH', `${base}/w/status?fieldManager=ctl`, body({ phase: 'Ready' }), 'application/apply-patch+yaml');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status.phase, 'Ready');
    const entry = r.body.metadata.managedFields.find((m) => m.manager === 'ctl');
    assert.equal(entry?.subresource, 'status');
    assert.deepEqual(entry?.fieldsV1, { 'f:status': { 'f:phase': {} } });
    const main = await http('PATCH', `${base}/w?fieldManager=x`, body({ phase: 'Gone' }), 'application/apply-patch+yaml');
    assert.equal(main.status, 200);
    assert.equal(main.body.status.phase, 'Ready');
  });

  const path = '/api/v1/namespaces/default/configmaps/raw';
  const apply = (body: string, query = 'fieldManager=a') => http('PATCH', `${path}?${query}`, body, 'application/apply-patch+yaml');

  test('the conflict Status names each field and manager', async () => {
    assert.equal((await apply('apiVersion: v1\nkind: ConfigMap\ndata: {x: "1", y: "2"}')).status, 201);
    const r = await apply('apiVersion: v1\nkind: ConfigMap\ndata: {x: "3", y: "4"}', 'fieldManager=b');
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'Conflict');
    assert.equal(r.body.message, 'Apply failed with 2 conflicts: conflicts with "a":\n- .data.x\n- .data.y');
    assert.deepEqual(r.body.details?.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.data.x' },
      { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.data.y' },
    ]);
    assert.equal((await apply('apiVersion: v1\nkind: ConfigMap\ndata: {x: "3"}', 'fieldManager=b&force=true')).status, 200);
  });

  test('bad bodies and options are clear 400/415/422s', async () => {
    const cases: [string, string, number, RegExp][] = [
      ['kind: ConfigMap', 'fieldManager=a', 400, /Incorrect version specified in apply patch/],
      ['apiVersion: v1\nkind: Secret', 'fieldManager=a', 400, /kind/],
      ['- a', 'fieldManager=a', 400, /cannot unmarshal array/],
      ['apiVersion: v1\nkind: ConfigMap\ndata: [', 'fieldManager=a', 400, /error converting YAML/],
      ['apiVersion: v1\nkind: ConfigMap', '', 422, /fieldManager: Required value: is required for apply patch/],
      ['apiVersion: v1\nkind: ConfigMap\nmetadata: {managedFields: [{}]}', 'fieldManager=a', 400, /metadata.managedFields must be nil/],
      ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}', 'fieldManager=a', 400, /does not match the name on the URL/],
    ];
    for (const [body, query, code, message] of cases) {
      const r = await apply(body, query);
      assert.equal(r.status, code, `${body}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message ?? '', message);
    }
    const merge = await http('PATCH', `${path}?force=true`, '{}', 'application/merge-patch+json');
    assert.equal(merge.status, 422);
    assert.match(merge.body.message ?? '', /force: Forbidden: may not be specified for non-apply patch/);
    const other = await http('PATCH', path, '{}', 'text/plain');
    assert.equal(other.status, 415);
    assert.match(other.body.message ?? '', /application\/apply-patch\+yaml/);
  });
});
