// The official Python client (Debian's python3-kubernetes) against Skiff: load_kube_config,
// list/create/patch/delete, a watch (watch=True spelled as Python sends it) that sees ADDED,
// MODIFIED and DELETED, a CRD waited for until Established, a custom object through
// CustomObjectsApi, and the dynamic client's server-side apply on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, run, type TestCluster } from './harness';

// Debian's interpreter, not whichever python3 comes first on PATH: the module is installed for it.
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'testing', 'python-client-check.py');

let c: TestCluster | undefined;
let available = false;
before(async () => {
  available = existsSync(PYTHON) && (await run(PYTHON, ['-c', 'import kubernetes'])).code === 0;
  if (!available && process.env.SKIFF_REQUIRE_DOCKER) throw new Error('python3-kubernetes is not installed (.ci/run installs it)');
  if (available) c = await startTestCluster('pyclient');
});
after(async () => {
  await c?.stop();
});

interface Observed {
  listed: string[];
  patched: Record<string, string>;
  events: [string, string, Record<string, string>][];
  after_delete: number;
  established: boolean;
  custom_listed: string[];
  custom_patched: number;
  applied_managers: string[];
  dynamic_listed: string[];
  custom_after_delete: string[];
}

test('python client: CRUD, watch, CRD custom objects, dynamic server-side apply', async (t) => {
  if (!available) return t.skip('python3-kubernetes not installed');
  const r = await run(PYTHON, [SCRIPT, c!.kubeconfig, 'py-ns'], { timeoutMs: 60_000, env: { HOME: c!.dir } });
  assert.equal(r.code, 0, `python script failed:\n${r.stderr}\n${r.stdout}`);
  const o = JSON.parse(r.stdout) as Observed;
  assert.deepEqual(o.listed, ['py-cm']);
  assert.deepEqual(o.patched, { a: '1', b: '2' });
  assert.deepEqual(
    o.events.map(([type, name]) => `${type} ${name}`),
    ['ADDED py-cm', 'MODIFIED py-cm', 'DELETED py-cm'],
  );
  assert.deepEqual(o.events[1][2], { a: '1', b: '2' });
  assert.equal(o.after_delete, 404);
  assert.equal(o.established, true);
  assert.deepEqual(o.custom_listed, ['t1']);
  assert.equal(o.custom_patched, 3);
  assert.ok(o.applied_managers.includes('python-script'), JSON.stringify(o.applied_managers));
  assert.deepEqual(o.dynamic_listed, ['t1', 't2']);
  assert.deepEqual(o.custom_after_delete, ['t2']);
});
