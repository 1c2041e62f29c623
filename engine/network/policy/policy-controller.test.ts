// The host side over a real API core: the host's rules and the agent's follow pods' labels and
// policies; a host that cannot enforce is reported (file, Warning event), never silent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCore, eventually, type TestCluster } from '../../apiserver/testing/test-cluster';
import { R } from '../../client/types';
import { planFromSubnet } from '../address-plan';
import { NETWORK_POLICIES, NETWORK_POLICY_FILE, startPolicyController, type PolicyController } from './policy-controller';
import { policyAllows, modelFromJson } from './policy-check';

let t: TestCluster;
let ctl: PolicyController;
let dir: string;
const scripts: string[] = [];
const events: string[] = [];
let failWith: string | undefined;
let changes = 0;
let passFrom: string[] | undefined;

const pod = async (name: string, ip: string, labels: Record<string, string>) => {
  await t.client.create(R.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  await t.client.patch(R.pods, 'default', name, 'merge', { status: { phase: 'Running', podIP: ip } }, { subresource: 'status' });
};

before(async () => {
  t = await startTestCore();
  dir = mkdtempSync(join(tmpdir(), 'skiff-policy-'));
  await pod('web', '10.7.0.2', { app: 'web' });
  await pod('client', '10.7.0.3', { role: 'other' });
  ctl = startPolicyController({
    client: t.client,
    cluster: 'pc',
    clusterDir: dir,
    plan: planFromSubnet('10.7.0.0/16'),
    host: {
      target: () => Promise.resolve({ bridge: 'br-test', agentIP: '10.7.0.9', passFrom }),
      apply: (script) => {
        if (failWith) return Promise.reject(new Error(failWith));
        scripts.push(script);
        return Promise.resolve(undefined);
      },
    },
    onChange: () => changes++,
    event: (obj, type, reason, message) => events.push(`${obj.metadata.name} ${type} ${reason} ${message}`),
    log: () => {},
    debounceMs: 10,
  });
});

after(async () => {
  await ctl.stop();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const allowed = () => policyAllows(modelFromJson(ctl.agentModel()), '10.7.0.3', '10.7.0.2', 'tcp', 80);

test('no policy: no host rules installed, nothing isolated', async () => {
  await ctl.synced();
  assert.equal(scripts.length, 0, 'no container is even needed');
  assert.equal(allowed(), true);
});

test('a policy isolates; a label change on a pod and the policy deletion update both enforcement points', async () => {
  await t.client.create(NETWORK_POLICIES, 'default', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] },
  });
  await eventually(() => scripts.at(-1)?.includes('in_10_7_0_2'), 'host rules for the web pod');
  const host = scripts.at(-1)!;
  assert.match(host, /oifname "br-test" ip daddr vmap \{ 10\.7\.0\.2 : jump in_10_7_0_2 \}/);
  assert.match(host, /iifname "br-test" ip daddr 10\.7\.128\.0\/17 accept/, 'Service traffic is judged in the agent');
  assert.match(host, /iifname "br-test" ip saddr 10\.7\.0\.9 accept/);
  assert.equal(allowed(), false);
  assert.match(ctl.agentScript(), /add table ip skiff-policy/);
  assert.ok(changes > 0, 'the agent is told');
  assert.equal(readFileSync(join(dir, NETWORK_POLICY_FILE), 'utf8').trim(), 'enforced (nftables)');

  await t.client.patch(R.pods, 'default', 'client', 'merge', { metadata: { labels: { role: 'client' } } });
  await eventually(() => scripts.at(-1)?.includes('ip saddr { 10.7.0.3 }'), 'the relabelled client allowed');
  assert.equal(allowed(), true);

  await t.client.delete(NETWORK_POLICIES, 'default', 'web');
  await eventually(() => scripts.at(-1) === 'add table ip skiff-pol-pc\ndelete table ip skiff-pol-pc\n', 'host rules removed');
  assert.equal(allowed(), true);
});

test('a host that cannot enforce says so: the state file and a Warning event on the policy', async () => {
  failWith = 'no nft here';
  await t.client.create(NETWORK_POLICIES, 'default', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  });
  await eventually(() => events.some((e) => e.startsWith('deny Warning PolicyNotEnforced')), 'a Warning event');
  assert.match(readFileSync(join(dir, NETWORK_POLICY_FILE), 'utf8'), /^NOT ENFORCED: pod-to-pod traffic is not filtered \(no nft here\)/);
  failWith = undefined;
});

test("a joined machine's target: traffic from the first machine's agent passes from any interface once refresh() is called", async () => {
  passFrom = ['10.9.0.5']; // the deny policy from the test before still isolates
  ctl.refresh();
  await eventually(() => /\nadd rule ip skiff-pol-pc forward ip saddr 10\.9\.0\.5 accept\n/.test(scripts.at(-1) ?? ''), 'the pass rule');
  passFrom = undefined;
});
