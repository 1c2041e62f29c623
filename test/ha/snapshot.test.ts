// skiff snapshot save → skiff delete → skiff snapshot restore → start: every object is back
// (counted by kind), for both datastores. SQLite is saved while the cluster runs (its online
// backup, asked over the control socket); etcd through the maintenance API, restored offline
// into a new member dir that a new etcd then serves.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdRequired, findEtcdBinary, freeLoopbackPort, startEtcdTestServer } from '../../engine/store/testing/etcd-test-server';
import { findEtcdctl } from '../../engine/store/etcd-snapshot';
import { run } from '../integration/harness';
import { waitFor } from '../wait-for';
import { startSkiffProcess, type SkiffProcess } from '../testing/skiff-process';
import { kubeHttp } from '../testing/kube-http';

const noEtcd = !findEtcdBinary() || !findEtcdctl() ? 'etcd or etcdctl is not installed' : false;
if (noEtcd && etcdRequired()) throw new Error(`CI needs etcd: ${noEtcd}`);
const root = new URL('../..', import.meta.url).pathname;
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const KINDS = [
  '/api/v1/namespaces',
  '/api/v1/configmaps',
  '/api/v1/secrets',
  '/api/v1/services',
  '/api/v1/serviceaccounts',
  '/api/v1/nodes',
  '/api/v1/pods',
  '/apis/apps/v1/deployments',
  '/apis/apps/v1/replicasets',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/rbac.authorization.k8s.io/v1/rolebindings',
];

async function countByKind(kubeconfig: string): Promise<Record<string, number>> {
  const http = kubeHttp(kubeconfig);
  const out: Record<string, number> = {};
  for (const k of KINDS) out[k] = ((await http.call('GET', k)).body.items as unknown[]).length;
  return out;
}

async function populate(kubeconfig: string) {
  const http = kubeHttp(kubeconfig);
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await http.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } })).status,
      201,
    );
    for (let j = 0; j < 5; j++) {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${j}` }, data: { j: String(j) } };
      assert.equal((await http.call('POST', `/api/v1/namespaces/team-${i}/configmaps`, cm)).status, 201);
    }
  }
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
  assert.equal((await http.call('POST', '/apis/apps/v1/namespaces/team-0/deployments', dep)).status, 201);
  await waitFor('3 pods', async () => ((await http.call('GET', '/api/v1/namespaces/team-0/pods')).body.items as unknown[]).length === 3);
}

function skiffCli(dir: string, args: string[]) {
  return run(process.execPath, [join(root, 'bin/skiff.mjs'), ...args], {
    env: { HOME: dir, KUBECONFIG: join(dir, 'kc') },
  });
}

interface Datastore {
  startArgs: string[];
  /** Extra `snapshot restore` flags. */
  restoreArgs?(dir: string): string[] | Promise<string[]>;
  /** After the restore: what the cluster starts with (default startArgs). */
  afterRestore?(): Promise<string[]>;
}

async function roundTrip(name: string, ds: Datastore) {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-snap-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const start = async (args: string[]) => {
    const p: SkiffProcess = await startSkiffProcess({ name, dir, dataDir, nodeRuntime: 'simulated', ready: 'api', args });
    cleanups.push(() => p.kill());
    return p;
  };
  const first = await start(ds.startArgs);
  await populate(join(dir, 'kc'));
  const before = await countByKind(join(dir, 'kc'));
  const file = join(dir, 'snap.db');
  const saved = await skiffCli(dir, ['snapshot', 'save', file, '--name', name, '--data-dir', dataDir]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /Saved (sqlite|etcd) snapshot/);
  await first.kill();
  const del = await skiffCli(dir, ['delete', '--name', name, '--data-dir', dataDir]);
  assert.equal(del.code, 0, del.stderr);
  const extra = (await ds.restoreArgs?.(dir)) ?? [];
  const restored = await skiffCli(dir, ['snapshot', 'restore', file, '--name', name, '--data-dir', dataDir, ...extra]);
  assert.equal(restored.code, 0, restored.stderr + restored.stdout);
  await start((await ds.afterRestore?.()) ?? ds.startArgs);
  assert.deepEqual(await countByKind(join(dir, 'kc')), before, 'every object back');
  return restored.stdout;
}

test('SQLite: snapshot of a running cluster, delete, restore: every object back', async () => {
  const out = await roundTrip('snapsql', { startArgs: ['--nodes', '1'] });
  assert.match(out, /Restored \d+ objects/);
});

test('etcd: maintenance snapshot, delete, offline restore into a new member dir: every object back', { skip: noEtcd }, async () => {
  const etcd = await startEtcdTestServer();
  cleanups.push(() => etcd.stop());
  let restoredEtcd: ChildProcess | undefined;
  cleanups.push(() => void restoredEtcd?.kill('SIGKILL'));
  let memberDir = '';
  const client = `http://127.0.0.1:${await freeLoopbackPort()}`;
  const peer = `http://127.0.0.1:${await freeLoopbackPort()}`;
  const etcdFlags = ['--datastore', 'etcd', '--etcd-endpoints'];
  await roundTrip('snapetcd', {
    startArgs: ['--nodes', '1', ...etcdFlags, etcd.endpoints.join(',')],
    restoreArgs: (dir) => {
      memberDir = join(dir, 'etcd-restored');
      return [
        '--etcd-data-dir',
        memberDir,
        '--etcd-name',
        'r0',
        '--etcd-initial-cluster',
        `r0=${peer}`,
        '--etcd-initial-advertise-peer-urls',
        peer,
      ];
    },
    afterRestore: async () => {
      // The old etcd is gone for good; a new one serves the member dir built from the snapshot.
      await etcd.stop();
      const args = ['--name', 'r0', '--data-dir', memberDir, '--listen-client-urls', client, '--advertise-client-urls', client];
      args.push('--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `r0=${peer}`);
      restoredEtcd = spawn(findEtcdBinary()!, args, { stdio: 'ignore' });
      await waitFor(
        'the restored etcd healthy',
        async () => ((await (await fetch(`${client}/health`)).json()) as { health?: string }).health === 'true',
      );
      return ['--nodes', '1', ...etcdFlags, client];
    },
  });
});
