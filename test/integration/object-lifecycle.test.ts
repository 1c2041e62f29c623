// Deletion semantics through real kubectl: finalizers and deletionTimestamp, cascading
// (background, foreground, orphan) through the garbage collector, dry-run, paging, and
// `get NAME -w`, which relies on the synthetic ADDED for resourceVersion=0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, kubectlPath, spawnCollect, type TestCluster } from './harness';
import { join } from 'node:path';
import { waitFor as sharedWaitFor } from '../wait-for';

let c: TestCluster;
before(async () => {
  c = await startTestCluster('lifecycle');
});
after(async () => {
  await c?.stop();
});

const ok = async (args: string[], input?: string) => {
  const r = await c.kubectl(args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
};

const eventually = (check: () => Promise<boolean>, what: string, timeoutMs = 10_000) => sharedWaitFor(what, check, timeoutMs, 100);

const exists = async (kind: string, name: string) => (await c.kubectl(['get', kind, name, '-o', 'name'])).code === 0;

async function ownerWithDependent(owner: string, dependent: string, finalizers?: string[]) {
  await ok(['create', 'configmap', owner]);
  const uid = (await ok(['get', 'cm', owner, '-o', 'jsonpath={.metadata.uid}'])).trim();
  await ok(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: dependent,
        finalizers,
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid, blockOwnerDeletion: true }],
      },
    }),
  );
}

test('a finalizer holds an object in Terminating until it is removed', async () => {
  await ok(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } }),
  );
  await ok(['delete', 'cm', 'held', '--wait=false']);
  const ts = await ok(['get', 'cm', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
  assert.match(ts, /^\d{4}-\d\d-\d\dT/);
  await ok(['patch', 'cm', 'held', '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
  await eventually(async () => !(await exists('cm', 'held')), 'held is removed once its finalizer is gone');
});

test('background cascade deletes dependents', async () => {
  await ownerWithDependent('bg-owner', 'bg-dep');
  await ok(['delete', 'cm', 'bg-owner', '--cascade=background']);
  await eventually(async () => !(await exists('cm', 'bg-dep')), 'dependent is garbage collected');
});

test('orphan cascade keeps dependents and strips their owner references', async () => {
  await ownerWithDependent('or-owner', 'or-dep');
  await ok(['delete', 'cm', 'or-owner', '--cascade=orphan']);
  await eventually(async () => !(await exists('cm', 'or-owner')), 'owner goes');
  assert.ok(await exists('cm', 'or-dep'));
  assert.equal(await ok(['get', 'cm', 'or-dep', '-o', 'jsonpath={.metadata.ownerReferences}']), '');
});

test('foreground cascade removes dependents before the owner', async () => {
  await ownerWithDependent('fg-owner', 'fg-dep', ['example.com/slow']);
  await ok(['delete', 'cm', 'fg-owner', '--cascade=foreground', '--wait=false']);
  // The dependent is held by its own finalizer, so the owner must wait with foregroundDeletion.
  await eventually(
    async () => (await ok(['get', 'cm', 'fg-dep', '-o', 'jsonpath={.metadata.deletionTimestamp}'])) !== '',
    'dependent is being deleted',
  );
  assert.match(await ok(['get', 'cm', 'fg-owner', '-o', 'jsonpath={.metadata.finalizers}']), /foregroundDeletion/);
  await ok(['patch', 'cm', 'fg-dep', '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']);
  await eventually(async () => !(await exists('cm', 'fg-owner')), 'owner goes after its dependent');
});

test('server-side dry run stores nothing', async () => {
  assert.match(await ok(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server']), /created \(server dry run\)/);
  assert.equal(await exists('cm', 'dry'), false);
  await ok(['create', 'configmap', 'real', '--from-literal=a=b']);
  await ok(['delete', 'cm', 'real', '--dry-run=server']);
  assert.ok(await exists('cm', 'real'));
});

test('paging with --chunk-size returns every object once', async () => {
  for (let i = 0; i < 7; i++) await ok(['create', 'configmap', `page-${i}`]);
  const names = (await ok(['get', 'cm', '--chunk-size=2', '-o', 'name']))
    .trim()
    .split('\n')
    .filter((n) => n.includes('page-'));
  assert.deepEqual(
    names,
    Array.from({ length: 7 }, (_, i) => `configmap/page-${i}`),
  );
  const table = await ok(['get', 'cm', '--chunk-size=3']);
  assert.equal(table.match(/^page-/gm)?.length, 7);
  assert.equal(table.match(/^NAME/gm)?.length, 1, 'one header across pages');
});

test('get NAME -w shows the object, then its changes', async () => {
  await ok(['create', 'configmap', 'watched-one', '--from-literal=v=1']);
  const w = spawnCollect(kubectlPath(), ['get', 'cm', 'watched-one', '-w', '-o', 'jsonpath={.data.v}{"\\n"}'], {
    KUBECONFIG: c.kubeconfig,
    HOME: join(c.dir, 'home'),
  });
  try {
    await w.waitFor(/^1$/m);
    await ok(['patch', 'cm', 'watched-one', '--type', 'merge', '-p', '{"data":{"v":"2"}}']);
    await w.waitFor(/^2$/m);
  } finally {
    w.stop();
  }
});

test('immutable fields are refused with the upstream message', async () => {
  await ok(['create', 'deployment', 'imm', '--image=busybox']);
  const r = await c.kubectl([
    'patch',
    'deploy',
    'imm',
    '--type',
    'merge',
    '-p',
    '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}',
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.selector: Invalid value: .*field is immutable/);
});
