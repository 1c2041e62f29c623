// CRD validation rules (x-kubernetes-validations) through real kubectl: a CRD whose rule does not
// compile is refused naming the rule, a bad object is refused with kube-apiserver's wording, and
// a transition rule (oldSelf) keeps a field immutable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './harness';

let c: TestCluster;
before(async () => {
  c = await startTestCluster('celrules');
});
after(async () => {
  await c?.stop();
});

const group = 'cel.skiff.test';
function crd(rules: object[]) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `databases.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'databases', singular: 'database', kind: 'Database' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-validations': rules,
                  properties: {
                    replicas: { type: 'integer' },
                    maxReplicas: { type: 'integer' },
                    engine: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}
const db = (spec: object) =>
  JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Database', metadata: { name: 'orders', namespace: 'default' }, spec });

async function kubectl(args: string[], input?: string) {
  return c.kubectl(args, { input });
}

test('a CRD whose rule does not compile is refused with the compile error', async () => {
  const r = await kubectl(['create', '-f', '-'], JSON.stringify(crd([{ rule: 'self.replicas <=' }, { rule: 'self.replicsa > 0' }])));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /The CustomResourceDefinition "databases\.cel\.skiff\.test" is invalid/);
  assert.match(
    r.stderr,
    /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: apiextensions\.ValidationRule\{Rule:"self\.replicas <=".*compilation failed: ERROR: <input>:1:17: Syntax error/,
  );
  assert.match(r.stderr, /x-kubernetes-validations\[1\]\.rule: .*undefined field 'replicsa'/);
});

test('rules refuse a bad object with upstream wording; a transition rule keeps a field immutable', async () => {
  const rules = [
    { rule: 'self.replicas <= self.maxReplicas', message: 'replicas must not exceed maxReplicas' },
    { rule: 'self.engine == oldSelf.engine', message: 'engine is immutable', fieldPath: '.engine', reason: 'FieldValueForbidden' },
    { rule: "self.engine in ['postgres', 'mysql']", messageExpression: "'engine ' + self.engine + ' is not supported'" },
  ];
  const created = await kubectl(['create', '-f', '-'], JSON.stringify(crd(rules)));
  assert.equal(created.code, 0, created.stderr);
  assert.equal((await kubectl(['wait', '--for', 'condition=Established', `crd/databases.${group}`, '--timeout=10s'])).code, 0);

  const bad = await kubectl(['create', '-f', '-'], db({ replicas: 9, maxReplicas: 3, engine: 'oracle' }));
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /The Database "orders" is invalid: \n?\* spec: Invalid value: "object": replicas must not exceed maxReplicas\n\* spec: Invalid value: "object": engine oracle is not supported/,
  );

  assert.equal((await kubectl(['create', '-f', '-'], db({ replicas: 1, maxReplicas: 3, engine: 'postgres' }))).code, 0);
  const changed = await kubectl(['apply', '-f', '-'], db({ replicas: 2, maxReplicas: 3, engine: 'mysql' }));
  assert.notEqual(changed.code, 0);
  assert.match(changed.stderr, /The Database "orders" is invalid: spec\.engine: Forbidden: engine is immutable/);
  // Changes the rules allow go through.
  const scaled = await kubectl(['patch', 'database', 'orders', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
  assert.equal(scaled.code, 0, scaled.stderr);
});
