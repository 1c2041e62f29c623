// The 262,144-byte limit on a total of annotation keys and values, on every kind (built-in and
// custom), worded as upstream: so client-side `kubectl apply` of a CRD whose schema is larger
// than that fails exactly as on a real cluster (its last-applied-configuration annotation holds
// the whole object), while `kubectl create` and `kubectl apply --server-side` succeed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCrdFixture, widgetCrd, type CrdFixture } from './crd-fixture';

let c: CrdFixture;
before(async () => {
  c = await startCrdFixture();
});
after(() => c?.close());

const LIMIT = 262_144;
const MESSAGE = `metadata.annotations: Too long: may not be more than ${LIMIT} bytes`;

/** An operator-style CRD: ~300 KB of OpenAPI schema (property descriptions). */
function bigCrd(group: string) {
  const properties: Record<string, object> = {};
  for (let i = 0; i < 300; i++)
    properties[`field${i}`] = { type: 'string', description: `Field ${i}. ${'Lorem ipsum dolor sit amet. '.repeat(36)}` };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `bigs.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'bigs', singular: 'big', kind: 'Big', listKind: 'BigList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } } },
        },
      ],
    },
  };
}

test('a CRD larger than the limit: client-side apply fails with upstream wording, create and server-side apply succeed', async () => {
  const crd = JSON.stringify(bigCrd('big.skiff.dev'));
  assert.ok(crd.length > 300_000, `${crd.length} bytes`);
  const applied = await c.kubectl('1.33', ['apply', '-f', '-'], crd);
  assert.notEqual(applied.code, 0);
  assert.match(
    applied.stderr,
    /The CustomResourceDefinition "bigs.big.skiff.dev" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes/,
  );
  const created = await c.kubectl('1.33', ['create', '-f', '-'], crd);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((await c.kubectl('1.33', ['delete', 'crd', 'bigs.big.skiff.dev'])).code, 0);
  const ssa = await c.kubectl('1.33', ['apply', '--server-side', '-f', '-'], crd);
  assert.equal(ssa.code, 0, ssa.stderr);
  assert.match(ssa.stdout, /serverside-applied/);
});

test('the limit counts keys and values in bytes, on built-in kinds and custom resources alike', async () => {
  await c.establish(widgetCrd('ann.skiff.dev') as object);
  const key = 'example.com/blob';
  const exact = { [key]: 'x'.repeat(LIMIT - key.length) };
  const over = { [key]: 'x'.repeat(LIMIT - key.length + 1) };
  const configMap = (name: string, annotations: object) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, annotations } });
  const widget = (name: string, annotations: object) => ({
    apiVersion: 'ann.skiff.dev/v1',
    kind: 'Widget',
    metadata: { name, annotations },
    spec: { size: 'S' },
  });
  const cms = '/api/v1/namespaces/default/configmaps';
  const widgets = '/apis/ann.skiff.dev/v1/namespaces/default/widgets';
  const atLimit = await c.http('POST', cms, configMap('at-limit', exact));
  assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body));
  const wAtLimit = await c.http('POST', widgets, widget('at-limit', exact));
  assert.equal(wAtLimit.status, 201, JSON.stringify(wAtLimit.body));
  for (const [path, body] of [
    [cms, configMap('over', over)],
    [widgets, widget('over', over)],
  ] as const) {
    const r = await c.http('POST', path, body);
    assert.equal(r.status, 422, path);
    assert.match((r.body as { message: string }).message, new RegExp(MESSAGE));
    assert.deepEqual((r.body as { details: { causes: object[] } }).details.causes, [
      { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${LIMIT} bytes`, field: 'metadata.annotations' },
    ]);
  }
  // Multi-byte characters count as their UTF-8 bytes; updates are held to the limit too.
  const grown = await c.http(
    'PATCH',
    `${widgets}/at-limit`,
    { metadata: { annotations: { [key]: `${'x'.repeat(LIMIT - key.length - 1)}é` } } },
    'application/merge-patch+json',
  );
  assert.equal(grown.status, 422);
});
