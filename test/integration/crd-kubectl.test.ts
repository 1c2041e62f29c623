// Custom resources driven by real kubectl, oldest and newest supported: CRD apply and
// `kubectl wait` for Established, CR create/get (printer columns, short name, -o wide)/patch/
// scale/watch/delete, an invalid CR refused naming each field, and CRD deletion taking its CRs.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCrdFixture, widgetCrd, type CrdFixture } from './crd-fixture';
import { kubectlPath, spawnCollect } from './harness';

let c: CrdFixture;
before(async () => {
  c = await startCrdFixture();
});
after(async () => {
  await c?.close();
});

const cr = (group: string, name: string, spec: string) => `apiVersion: ${group}/v1
kind: Widget
metadata:
  name: ${name}
spec:
${spec}
`;

for (const version of ['1.27', '1.33']) {
  describe(`kubectl ${version}`, () => {
    const group = `v${version.replace('.', '')}.skiff.dev`;
    const kubectl = (args: string[], input?: string) => c.kubectl(version, args, input);
    const ok = async (args: string[], input?: string) => {
      const r = await kubectl(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };

    test('apply a CRD and wait for Established', async () => {
      const out = await ok(['apply', '-f', '-'], JSON.stringify(widgetCrd(group)));
      assert.match(out, new RegExp(`customresourcedefinition.apiextensions.k8s.io/widgets.${group} created`));
      await ok(['wait', '--for', 'condition=Established', `crd/widgets.${group}`, '--timeout=10s']);
    });

    test('create, then get shows the printer columns, by short name too', async () => {
      assert.match(await ok(['create', '-f', '-'], cr(group, 'one', '  size: M')), new RegExp(`widget.${group}/one created`));
      const table = await ok(['get', `widgets.${group}`]);
      const [head, row] = table.trim().split('\n');
      assert.deepEqual(head.split(/\s+/), ['NAME', 'SIZE', 'REPLICAS', 'PHASE', 'AGE']);
      // PHASE is unset: kubectl prints a null cell as blank.
      assert.match(row, /^one\s+M\s+1\s+\d+s$/);
      // The other version's CRD (same short name) is deleted by its last test, so `wd` is ours.
      const wide = await ok(['get', 'wd', '-o', 'wide']);
      assert.match(wide.split('\n')[0], /COLOR/);
      assert.match(wide, /one\s+M\s+1\s+\d+s\s+blue/);
    });

    test('patch (merge) works; the default strategic patch is refused as upstream does', async () => {
      await ok(['patch', `widgets.${group}`, 'one', '--type', 'merge', '-p', '{"spec":{"color":"red"}}']);
      assert.equal(await ok(['get', `widgets.${group}`, 'one', '-o', 'jsonpath={.spec.color}']), 'red');
      const smp = await kubectl(['patch', `widgets.${group}`, 'one', '-p', '{"spec":{"color":"green"}}']);
      assert.notEqual(smp.code, 0);
      assert.match(smp.stderr, /UnsupportedMediaType|unknown format/);
    });

    test('client-side apply creates then configures (merge patch); the CRD category lists it', async () => {
      assert.match(await ok(['apply', '-f', '-'], cr(group, 'applied', '  size: S')), /created/);
      assert.match(await ok(['apply', '-f', '-'], cr(group, 'applied', '  size: M')), /configured/);
      assert.equal(await ok(['get', `widgets.${group}`, 'applied', '-o', 'jsonpath={.spec.size}']), 'M');
      assert.match(await ok(['get', 'skiff']), /^applied\s+M\s/m);
      await ok(['delete', `widgets.${group}`, 'applied']);
    });

    test('explain reads the published schema; --validate=strict refuses unknown fields', async () => {
      const out = await ok(['explain', `widgets.${group}.spec`]);
      assert.match(out, /KIND:\s+Widget/);
      assert.match(out, /size\s+<string> -required-/);
      assert.match(out, /replicas\s+<integer>/);
      const r = await kubectl(['create', '--validate=strict', '-f', '-'], cr(group, 'strict', '  size: S\n  bogus: 1'));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"/);
    });

    test('scale through the scale subresource', async () => {
      assert.match(await ok(['scale', `widgets.${group}`, 'one', '--replicas=3']), /scaled/);
      assert.equal(await ok(['get', `widgets.${group}`, 'one', '-o', 'jsonpath={.spec.replicas}']), '3');
    });

    test('an invalid CR is refused with 422 naming each bad field', async () => {
      const r = await kubectl(['create', '-f', '-'], cr(group, 'bad', '  size: XL\n  replicas: 20'));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /The Widget "bad" is invalid/);
      assert.match(r.stderr, /spec\.size: Unsupported value: "XL": supported values: "S", "M", "L"/);
      assert.match(r.stderr, /spec\.replicas: Invalid value: 20: spec\.replicas in body should be less than or equal to 10/);
    });

    test('get -w sees a change', async () => {
      const w = spawnCollect(
        kubectlPath(version),
        ['--kubeconfig', join(c.f.dir, 'kubeconfig'), 'get', `widgets.${group}`, 'one', '-w', '-o', 'jsonpath={.spec.color}{"\\n"}'],
        {
          HOME: join(c.f.dir, 'home'),
          KUBECACHEDIR: join(c.f.dir, `cache-${version}`),
        },
      );
      try {
        await w.waitFor(/red\n/);
        await ok(['patch', `widgets.${group}`, 'one', '--type', 'merge', '-p', '{"spec":{"color":"pink"}}']);
        await w.waitFor(/pink\n/);
      } finally {
        w.stop();
      }
    });

    test('delete a CR; deleting the CRD takes the rest', async () => {
      await ok(['create', '-f', '-'], cr(group, 'two', '  size: S'));
      assert.match(await ok(['delete', `widgets.${group}`, 'one']), /deleted/);
      await ok(['delete', 'crd', `widgets.${group}`, '--wait=true', '--timeout=20s']);
      assert.equal(await c.f.store.count(`/registry/${group}/widgets/`), 0);
      const r = await kubectl(['get', `widgets.${group}`]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /doesn't have a resource type/);
    });
  });
}
