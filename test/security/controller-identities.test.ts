// Attack tests for per-controller identities (issue 12): each controller acts as its own
// ServiceAccount in kube-system with upstream's system:controller:<name> role, as
// kube-controller-manager with --use-service-account-credentials. A stolen controller credential
// (here: a token of the job controller's ServiceAccount) gets upstream's Forbidden outside that
// controller's role, and the controllers still do their work under those identities.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from '../integration/sim-cluster';
import { waitFor } from '../wait-for';

const JOB = (name: string) => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: work}
spec:
  ttlSecondsAfterFinished: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: ['true']}]
`;

describe('controllers act as their own ServiceAccounts', () => {
  let c: SimCluster;
  let asJobController: (args: string[]) => ReturnType<SimCluster['kubectl']>;

  before(async () => {
    c = await startSimCluster({ nodes: 1, name: 'ctrl-ids' });
    await c.ok(['create', 'namespace', 'work']);
    await c.ok(['create', 'secret', 'generic', 'db', '-n', 'work', '--from-literal=password=hunter2']);
    await waitFor(
      'the controllers ServiceAccounts',
      async () => (await c.kubectl(['get', 'sa', 'job-controller', '-n', 'kube-system'])).code === 0,
    );
    const token = (await c.ok(['create', 'token', 'job-controller', '-n', 'kube-system'])).trim();
    const file = await tokenOnly(c, token);
    asJobController = (args) => c.kubectl(args, { env: { KUBECONFIG: file } });
  });
  after(async () => c?.stop());

  test("the job controller's credential reads Jobs but not Secrets, and cannot grant itself more", async () => {
    const jobs = await asJobController(['get', 'jobs', '-A']);
    assert.equal(jobs.code, 0, jobs.stderr);
    const secrets = await asJobController(['get', 'secrets', '-A', '-o', 'yaml']);
    assert.notEqual(secrets.code, 0);
    assert.match(
      secrets.stderr,
      /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:kube-system:job-controller" cannot list resource "secrets" in API group "" at the cluster scope/,
    );
    assert.doesNotMatch(secrets.stdout, /aHVudGVyMg|hunter2/);
    const one = await asJobController(['get', 'secret', 'db', '-n', 'work']);
    assert.match(
      one.stderr,
      /secrets "db" is forbidden: User "system:serviceaccount:kube-system:job-controller" cannot get resource "secrets"/,
    );
    const bind = await asJobController([
      'create',
      'clusterrolebinding',
      'own',
      '--clusterrole=cluster-admin',
      '--serviceaccount=kube-system:job-controller',
    ]);
    assert.notEqual(bind.code, 0);
    assert.match(
      bind.stderr,
      /forbidden: User "system:serviceaccount:kube-system:job-controller" cannot create resource "clusterrolebindings"/,
    );
    const deploy = await asJobController(['create', 'deployment', 'x', '-n', 'work', '--image=busybox']);
    assert.match(deploy.stderr, /cannot create resource "deployments"/);
  });

  test('each controller role is upstream-narrow; the manager identity no longer writes everything', async () => {
    const can = async (as: string, ...what: string[]) => (await c.kubectl(['auth', 'can-i', ...what, `--as=${as}`])).stdout.trim();
    const sa = (n: string) => `system:serviceaccount:kube-system:${n}`;
    const cases: [string, string[], 'yes' | 'no'][] = [
      [sa('job-controller'), ['create', 'pods', '-n', 'work'], 'yes'],
      [sa('replicaset-controller'), ['get', 'secrets', '-n', 'work'], 'no'],
      [sa('deployment-controller'), ['create', 'pods', '-n', 'work'], 'no'],
      [sa('endpoint-controller'), ['delete', 'pods', '-n', 'work'], 'no'],
      [sa('horizontal-pod-autoscaler'), ['update', 'deployments', '-n', 'work'], 'no'],
      [sa('horizontal-pod-autoscaler'), ['update', 'deployments.apps', '--subresource=scale', '-n', 'work'], 'yes'],
      [sa('token-cleaner'), ['delete', 'secrets', '-n', 'kube-system'], 'yes'],
      [sa('token-cleaner'), ['delete', 'secrets', '-n', 'work'], 'no'],
      ['system:kube-controller-manager', ['delete', 'pods', '-n', 'work'], 'no'],
      ['system:kube-controller-manager', ['update', 'deployments', '-n', 'work'], 'no'],
      ['system:kube-controller-manager', ['watch', 'pods', '-A'], 'yes'],
    ];
    // Before, system:kube-controller-manager could update and delete every kind (the last three).
    const answers = await Promise.all(cases.map(([as, what]) => can(as, ...what)));
    assert.deepEqual(
      answers,
      cases.map((x) => x[2]),
    );
  });

  test('the job controller creates pods as its ServiceAccount (without its binding it cannot), and finished Jobs are cleaned up', async () => {
    const binding = await c.ok(['get', 'clusterrolebinding', 'system:controller:job-controller', '-o', 'json']);
    await c.ok(['delete', 'clusterrolebinding', 'system:controller:job-controller']);
    await c.ok(['apply', '-f', '-'], JOB('denied'));
    const event = await waitFor('a FailedCreate event', async () => {
      const out = await c.ok([
        'get',
        'events',
        '-n',
        'work',
        '--field-selector',
        'reason=FailedCreate',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      return out.includes('forbidden') && out;
    });
    assert.match(
      event,
      /User "system:serviceaccount:kube-system:job-controller" cannot create resource "pods" in API group "" in the namespace "work"/,
    );
    const restored = JSON.parse(binding) as { metadata: Record<string, unknown> };
    restored.metadata = { name: 'system:controller:job-controller' };
    await c.ok(['create', '-f', '-'], JSON.stringify(restored));
    await c.ok(['delete', 'job', 'denied', '-n', 'work']);
    // Restored: a Job runs to completion and ttlSecondsAfterFinished removes it (the ttl-after-finished identity).
    await c.ok(['apply', '-f', '-'], JOB('allowed'));
    await waitFor(
      'the finished Job deleted',
      async () => (await c.kubectl(['get', 'job', 'allowed', '-n', 'work'])).stderr.includes('NotFound'),
      60_000,
    );
    // The root CA is published into new namespaces as root-ca-cert-publisher.
    await c.ok(['create', 'namespace', 'later']);
    await waitFor(
      'kube-root-ca.crt in a new namespace',
      async () => (await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'later'])).code === 0,
    );
  });
});

/** A kubeconfig whose only credential is the token (no admin client certificate to fall back on). */
async function tokenOnly(c: SimCluster, token: string): Promise<string> {
  const view = (path: string) => c.ok(['config', 'view', '--raw', '--minify', '-o', `jsonpath={${path}}`]);
  const [server, ca] = [await view('.clusters[0].cluster.server'), await view('.clusters[0].cluster.certificate-authority-data')];
  const file = join(c.dir, 'job-controller.kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': ca } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
    { mode: 0o600 },
  );
  return file;
}
