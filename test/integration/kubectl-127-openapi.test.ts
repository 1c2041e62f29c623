// kubectl 1.27 and 1.28 read /openapi/v2 (gnostic protobuf) before create -f, apply, replace
// and edit validate, and for explain: without it they fail. This drives them end to end.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './harness';

let c: TestCluster;
before(async () => {
  c = await startTestCluster('kubectl-v2');
});
after(async () => {
  await c?.stop();
});

function deployment(ns: string, name: string, image: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 1${extra}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
      - name: sidecar
        image: busybox:1
`;
}

for (const version of ['1.27', '1.28']) {
  describe(`kubectl ${version} with /openapi/v2`, () => {
    const ns = `v2-${version.replace('.', '')}`;
    const kubectl = (args: string[], input?: string) => c.kubectl(args, { version, input });

    before(async () => {
      const r = await kubectl(['create', 'namespace', ns]);
      assert.equal(r.code, 0, r.stderr);
    });

    test('create -f validates against the served OpenAPI and creates', async () => {
      const r = await kubectl(['create', '-f', '-', '-v=6'], deployment(ns, 'made', 'nginx:1.25'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /deployment\.apps\/made created/);
      assert.match(r.stderr, /GET https:\/\/[^ ]+\/openapi\/v2\?timeout=\d+s 200 OK/);
    });

    test('apply twice: created, then configured, containers merged by name', async () => {
      const first = await kubectl(['apply', '-f', '-'], deployment(ns, 'applied', 'nginx:1.25'));
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /deployment\.apps\/applied created/);
      const second = await kubectl(['apply', '-f', '-'], deployment(ns, 'applied', 'nginx:1.27'));
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /deployment\.apps\/applied configured/);
      const got = await kubectl(['get', 'deployment', 'applied', '-n', ns, '-o', 'json']);
      assert.equal(got.code, 0, got.stderr);
      const containers = JSON.parse(got.stdout).spec.template.spec.containers;
      assert.deepEqual(
        containers.map((x: any) => [x.name, x.image]),
        [
          ['web', 'nginx:1.27'],
          ['sidecar', 'busybox:1'],
        ],
      );
    });

    test('explain prints the field, from v3 and from v2', async () => {
      for (const args of [
        ['explain', 'deployment.spec.replicas'],
        ['explain', '--output=plaintext-openapiv2', 'deployment.spec.replicas'],
      ]) {
        const r = await kubectl(args);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /FIELD: +replicas <integer>/, args.join(' '));
        assert.match(r.stdout, /Number of desired pods/);
      }
    });

    test('create -f with an unknown field fails with "unknown field"', async () => {
      const r = await kubectl(['create', '-f', '-'], deployment(ns, 'typo', 'nginx:1.25', '\n  replicaz: 2'));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /unknown field "spec\.replicaz"/);
      const gone = await kubectl(['get', 'deployment', 'typo', '-n', ns]);
      assert.notEqual(gone.code, 0, 'nothing was created');
    });
  });
}
