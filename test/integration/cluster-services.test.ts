// Acceptance for services, storage, service-account tokens, disruption budgets and node
// lifecycle, with real kubectl against a 3-node simulated cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { waitFor as sharedWaitFor } from '../wait-for';

// Leases of simulated kubelets renew every 10 s: the grace period must outlast one renewal.
process.env.SKIFF_NODE_GRACE_SECONDS ??= '14';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000) => sharedWaitFor(what, check, timeoutMs);

describe('cluster services (3 simulated nodes)', () => {
  let sim: SimCluster;
  const jp = async (args: string[]) => (await sim.ok([...args, '-o', 'json'])).trim();
  const json = async (args: string[]) => JSON.parse(await jp(args));
  const podsOf = async (selector: string) => (await json(['get', 'pods', '-l', selector])).items as any[];
  const running = (pods: any[]) => pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');

  before(async () => {
    sim = await startSimCluster({ nodes: 3 });
  });
  after(async () => {
    await sim?.stop();
  });

  test('endpoints and slices follow readiness', async () => {
    await sim.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=8080']);
    await sim.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    const ips = async () =>
      (await sim.ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).trim().split(/\s+/).filter(Boolean);
    await until('2 ready endpoints', async () => (await ips()).length === 2);
    const slice = await until('slice with 2 ready endpoints', async () => {
      const s = (await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web'])).items;
      return s.length === 1 && s[0].endpoints?.filter((e: any) => e.conditions.ready).length === 2 ? s[0] : undefined;
    });
    assert.equal(slice.ports[0].port, 8080);
    assert.match(await sim.ok(['get', 'endpoints', 'web']), /web\s+\S+:8080,\S+:8080/);

    // A third pod that never becomes ready shows up under notReadyAddresses.
    await sim.ok(['run', 'laggard', '--image=nginx', '--labels=app=web', '--annotations=skiff.dev/simulate={"ready":false}']);
    const ep = await until('not-ready address', async () => {
      const e = await json(['get', 'endpoints', 'web']);
      return e.subsets?.[0]?.notReadyAddresses?.length === 1 ? e : undefined;
    });
    assert.equal(ep.subsets[0].addresses.length, 2);
    assert.equal(ep.subsets[0].notReadyAddresses[0].targetRef.name, 'laggard');
    await sim.ok(['delete', 'pod', 'laggard', '--wait=false']);
  });

  test('a PVC binds through the default StorageClass', async () => {
    assert.match(await sim.ok(['get', 'storageclass']), /standard \(default\)\s+skiff\.dev\/local-path\s+Delete\s+Immediate/);
    await sim.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'default' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    );
    await until('pvc Bound', async () => /Bound/.test(await sim.ok(['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}'])));
    const pvName = (await sim.ok(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}'])).trim();
    assert.match(await sim.ok(['get', 'pv', pvName]), /1Gi\s+RWO\s+Delete\s+Bound\s+default\/data\s+standard/);
    await sim.ok(['delete', 'pvc', 'data']);
    await until('pv deleted', async () => (await sim.kubectl(['get', 'pv', pvName])).code !== 0);
  });

  test('service-account tokens (Secret and kubectl create token) are accepted as bearer tokens', async () => {
    await sim.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: 'default-token', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'default' } },
      }),
    );
    const b64 = await until('token filled', async () =>
      (await sim.ok(['get', 'secret', 'default-token', '-o', 'jsonpath={.data.token}'])).trim(),
    );
    const token = Buffer.from(b64, 'base64').toString();
    // A kubeconfig with only the token: no client certificate to fall back on.
    const cfg = await json(['config', 'view', '--raw', '--minify']);
    const file = join(sim.dir, 'sa-kubeconfig');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: cfg.clusters,
        'current-context': 'sa',
        contexts: [{ name: 'sa', context: { cluster: cfg.clusters[0].name, user: 'sa', namespace: 'default' } }],
        users: [{ name: 'sa', user: { token } }],
      }),
      { mode: 0o600 },
    );
    const who = await sim.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { env: { KUBECONFIG: file } });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout.trim(), 'system:serviceaccount:default:default');
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    writeFileSync(file, readFileSync(file, 'utf8').replace(token, forged));
    const denied = await sim.kubectl(['get', 'pods'], { env: { KUBECONFIG: file } });
    assert.match(denied.stderr, /Unauthorized|must be logged in/);
    // TokenRequest: an expiring token for the same account.
    const requested = (await sim.ok(['create', 'token', 'default', '--duration=15m'])).trim();
    writeFileSync(file, readFileSync(file, 'utf8').replace(forged, requested));
    const who2 = await sim.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { env: { KUBECONFIG: file } });
    assert.equal(who2.stdout.trim(), 'system:serviceaccount:default:default', who2.stderr);
  });

  test('cordon + drain respect a PodDisruptionBudget', async () => {
    await sim.ok(['create', 'deployment', 'db', '--image=postgres', '--replicas=3']);
    await until('3 db pods running', async () => running(await podsOf('app=db')).length === 3);
    const node = (await podsOf('app=db'))[0].spec.nodeName;
    await sim.ok(['create', 'poddisruptionbudget', 'db', '--selector=app=db', '--min-available=3']);
    await until('pdb status', async () => (await json(['get', 'pdb', 'db'])).status?.currentHealthy === 3);
    const blocked = await sim.kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=12s'], {
      timeoutMs: 30_000,
    });
    assert.notEqual(blocked.code, 0, blocked.stdout);
    // The budget held: the pod on the node is still there, not terminating.
    const held = (await podsOf('app=db')).filter((p) => p.spec.nodeName === node);
    assert.ok(held.length >= 1 && held.every((p) => !p.metadata.deletionTimestamp));
    assert.match(await sim.ok(['get', 'node', node]), /SchedulingDisabled/);

    await sim.ok(['patch', 'pdb', 'db', '--type=merge', '-p', '{"spec":{"minAvailable":2}}']);
    await until('pdb allows 1', async () => (await json(['get', 'pdb', 'db'])).status?.disruptionsAllowed >= 1);
    const drained = await sim.kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=60s'], {
      timeoutMs: 90_000,
    });
    assert.equal(drained.code, 0, drained.stderr);
    await until(
      'db back to 3 elsewhere',
      async () => {
        const pods = running(await podsOf('app=db'));
        return pods.length === 3 && pods.every((p) => p.spec.nodeName !== node);
      },
      30_000,
    );
    await sim.ok(['uncordon', node]);
    assert.doesNotMatch(await sim.ok(['get', 'node', node]), /SchedulingDisabled/);
    await sim.ok(['delete', 'pdb', 'db']);
    await sim.ok(['delete', 'deployment', 'db']);
  });

  test('a stopped node goes NotReady and its pods move', async () => {
    const tolerations = [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
    ];
    await sim.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'mover', namespace: 'default' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'mover' } },
          template: { metadata: { labels: { app: 'mover' } }, spec: { tolerations, containers: [{ name: 'c', image: 'busybox' }] } },
        },
      }),
    );
    await until('3 mover pods running', async () => running(await podsOf('app=mover')).length === 3);
    const victim = (await podsOf('app=mover'))[0].spec.nodeName;
    await sim.ok(['annotate', 'node', victim, 'skiff.dev/node-stopped=true', '--overwrite']);
    await until('node NotReady', async () => new RegExp(`${victim}\\s+NotReady`).test(await sim.ok(['get', 'nodes'])), 40_000);
    const node = await json(['get', 'node', victim]);
    assert.ok(node.spec.taints.some((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'));
    await until(
      'mover pods replaced on live nodes',
      async () => {
        const pods = running(await podsOf('app=mover'));
        return pods.length === 3 && pods.every((p) => p.spec.nodeName !== victim);
      },
      40_000,
    );

    await sim.ok(['annotate', 'node', victim, 'skiff.dev/node-stopped-']);
    await until(
      'node Ready again, untainted',
      async () => {
        const n = await json(['get', 'node', victim]);
        const ready = n.status.conditions.find((c: any) => c.type === 'Ready');
        return ready.status === 'True' && !(n.spec.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/unreachable');
      },
      30_000,
    );
  });
});
