// Attack tests for RBAC (issue 12): what a pod's ServiceAccount token could do before — read
// another namespace's Secrets, bind itself to cluster-admin, act as someone else — now answers
// Forbidden in kube-apiserver's words; reviews, impersonation and aggregation work for kubectl.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../wait-for';
import { startRbacFixture, type RbacFixture } from './rbac-fixture';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}
/** A Role or ClusterRole (rules) or binding (subjects) as kubectl prints it with -o json. */
const rbacJson = (text: string) => JSON.parse(text) as { rules: Rule[]; subjects?: unknown[] };

const SETUP = `
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: team-a}}
- {apiVersion: v1, kind: Namespace, metadata: {name: team-b}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: app, namespace: team-a}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: idle, namespace: team-a}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: imp, namespace: team-a}}
- {apiVersion: v1, kind: Secret, metadata: {name: db-pass, namespace: team-b}, stringData: {password: hunter2}}
- {apiVersion: v1, kind: Secret, metadata: {name: own, namespace: team-a}, stringData: {k: v}}
- apiVersion: v1
  kind: Pod
  metadata: {name: victim, namespace: team-a}
  spec: {serviceAccountName: app, automountServiceAccountToken: false, containers: [{name: c, image: busybox}]}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: reader, namespace: team-a}
  rules:
  - {apiGroups: [""], resources: [configmaps], verbs: [get, list]}
  - {apiGroups: [""], resources: [pods], verbs: [get]}
  - {apiGroups: [""], resources: [secrets], resourceNames: [own], verbs: [get]}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: app-reader, namespace: team-a}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
  subjects: [{kind: ServiceAccount, name: app, namespace: team-a}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: binding-writer}
  rules:
  - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [view], verbs: [bind]}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: app-binding-writer}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binding-writer}
  subjects: [{kind: ServiceAccount, name: app, namespace: team-a}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: impersonate-alice}
  rules:
  - {apiGroups: [""], resources: [users], resourceNames: [alice], verbs: [impersonate]}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: imp-alice}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-alice}
  subjects: [{kind: ServiceAccount, name: imp, namespace: team-a}]
`;

const APP = 'system:serviceaccount:team-a:app';
let x: RbacFixture;
let app: string;

before(async () => {
  x = await startRbacFixture();
  const r = await x.admin(['apply', '-f', '-'], SETUP);
  assert.equal(r.code, 0, r.stderr);
  app = await x.tokenOf('team-a', 'app');
});
after(() => x?.close());

void describe('a ServiceAccount token', () => {
  void test('cannot read Secrets of another namespace (upstream Forbidden wording)', async () => {
    const list = await x.withToken(app, ['get', 'secrets', '-n', 'team-b']);
    assert.notEqual(list.code, 0);
    assert.match(
      list.stderr,
      /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:team-a:app" cannot list resource "secrets" in API group "" in the namespace "team-b"/,
    );
    const get = await x.withToken(app, ['get', 'secret', 'db-pass', '-n', 'team-b', '-o', 'name']);
    assert.match(
      get.stderr,
      /secrets "db-pass" is forbidden: User "system:serviceaccount:team-a:app" cannot get resource "secrets" in API group "" in the namespace "team-b"/,
    );
    assert.doesNotMatch(get.stdout, /db-pass/);
  });

  void test('reads what its Role grants, and only the named Secret', async () => {
    const own = await x.withToken(app, ['get', 'secret', 'own', '-n', 'team-a', '-o', 'name']);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(own.stdout.trim(), 'secret/own');
    assert.equal((await x.withToken(app, ['get', 'configmaps', '-n', 'team-a'])).code, 0);
    const all = await x.withToken(app, ['get', 'secrets', '-n', 'team-a']);
    assert.match(all.stderr, /cannot list resource "secrets" in API group "" in the namespace "team-a"/);
  });

  void test('cannot bind itself to cluster-admin, even with create on ClusterRoleBindings (escalation refused)', async () => {
    const idle = await x.tokenOf('team-a', 'idle');
    const plain = await x.withToken(idle, [
      'create',
      'clusterrolebinding',
      'evil',
      '--clusterrole=cluster-admin',
      `--serviceaccount=team-a:idle`,
    ]);
    assert.match(
      plain.stderr,
      /clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:team-a:idle" cannot create resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope/,
    );
    const escalate = await x.withToken(app, [
      'create',
      'clusterrolebinding',
      'evil',
      '--clusterrole=cluster-admin',
      '--serviceaccount=team-a:app',
    ]);
    assert.notEqual(escalate.code, 0);
    assert.match(
      escalate.stderr,
      /clusterrolebindings.rbac.authorization.k8s.io "evil" is forbidden: user "system:serviceaccount:team-a:app" \(groups=\["system:serviceaccounts" "system:serviceaccounts:team-a" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/,
    );
    assert.equal((await x.admin(['get', 'clusterrolebinding', 'evil'])).code, 1);
    // `bind` on the view ClusterRole lets it grant view (here to another account), and nothing more.
    const bound = await x.withToken(app, [
      'create',
      'clusterrolebinding',
      'idle-view',
      '--clusterrole=view',
      '--serviceaccount=team-a:idle',
    ]);
    assert.equal(bound.code, 0, bound.stderr);
    // Nor may it write a role granting what it does not hold.
    const role = await x.withToken(app, ['create', 'role', 'wide', '-n', 'team-a', '--verb=*', '--resource=secrets']);
    assert.match(role.stderr, /cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "team-a"/);
  });
  void test('cannot exec into or read logs of pods (subresources are authorized on their own)', async () => {
    const exec = await x.withToken(app, ['exec', '-n', 'team-a', 'victim', '--', 'cat', '/etc/shadow']);
    assert.notEqual(exec.code, 0);
    assert.match(
      exec.stderr,
      /pods "victim" is forbidden: User "system:serviceaccount:team-a:app" cannot (get|create) resource "pods\/exec" in API group "" in the namespace "team-a"/,
    );
    const logs = await x.withToken(app, ['logs', '-n', 'team-a', 'victim']);
    assert.match(
      logs.stderr,
      /User "system:serviceaccount:team-a:app" cannot get resource "pods\/log" in API group "" in the namespace "team-a"/,
    );
  });
});

void describe('kubectl auth can-i', () => {
  void test('--list for a ServiceAccount matches its bindings', async () => {
    const r = await x.admin(['auth', 'can-i', '--list', `--as=${APP}`, '-n', 'team-a']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
    const row = (resource: string) => rows.find((cols) => cols[0] === resource);
    assert.deepEqual(row('configmaps'), ['configmaps', '[]', '[]', '[get list]']);
    assert.deepEqual(row('secrets'), ['secrets', '[]', '[own]', '[get]']);
    assert.deepEqual(row('clusterrolebindings.rbac.authorization.k8s.io'), [
      'clusterrolebindings.rbac.authorization.k8s.io',
      '[]',
      '[]',
      '[create]',
    ]);
    assert.ok(row('selfsubjectaccessreviews.authorization.k8s.io'), r.stdout);
    assert.deepEqual(row('pods'), ['pods', '[]', '[]', '[get]']);
    assert.equal(row('pods/exec'), undefined);
    // In team-b only the cluster-wide rules apply: no configmaps there.
    const b = await x.admin(['auth', 'can-i', '--list', `--as=${APP}`, '-n', 'team-b']);
    assert.doesNotMatch(b.stdout, /^configmaps\s/m);
  });

  void test('answers single questions (SelfSubjectAccessReview) yes and no', async () => {
    const yes = await x.withToken(app, ['auth', 'can-i', 'list', 'configmaps', '-n', 'team-a']);
    assert.equal(yes.stdout.trim(), 'yes');
    const no = await x.withToken(app, ['auth', 'can-i', 'get', 'secrets', '-n', 'team-b']);
    assert.equal(no.stdout.trim(), 'no');
    assert.equal(no.code, 1);
    const named = await x.admin(['auth', 'can-i', 'get', 'secret/own', '-n', 'team-a', `--as=${APP}`]);
    assert.equal(named.stdout.trim(), 'yes');
  });
});

void describe('impersonation', () => {
  void test('kubectl --as works only for holders of impersonate, and only for whom they may impersonate', async () => {
    const imp = await x.tokenOf('team-a', 'imp');
    const alice = await x.withToken(imp, ['auth', 'whoami', '--as=alice', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(alice.code, 0, alice.stderr);
    assert.equal(alice.stdout.trim(), 'alice');
    const bob = await x.withToken(imp, ['get', 'pods', '--as=bob']);
    assert.match(
      bob.stderr,
      /users "bob" is forbidden: User "system:serviceaccount:team-a:imp" cannot impersonate resource "users" in API group "" at the cluster scope/,
    );
    const group = await x.withToken(imp, ['get', 'secrets', '-A', '--as=alice', '--as-group=system:masters']);
    assert.match(
      group.stderr,
      /groups "system:masters" is forbidden: User "system:serviceaccount:team-a:imp" cannot impersonate resource "groups"/,
    );
    const noRight = await x.withToken(app, ['get', 'pods', '--as=alice']);
    assert.match(noRight.stderr, /users "alice" is forbidden: User "system:serviceaccount:team-a:app" cannot impersonate resource "users"/);
    // Alice herself holds nothing beyond discovery and self reviews.
    const asAlice = await x.withToken(imp, ['get', 'pods', '-n', 'team-a', '--as=alice']);
    assert.match(asAlice.stderr, /User "alice" cannot list resource "pods" in API group "" in the namespace "team-a"/);
  });
});

void describe('bootstrap policy', () => {
  void test('aggregation puts an aggregate-to-view ClusterRole’s rules into view, edit and admin', async () => {
    const r = await x.admin(
      ['apply', '-f', '-'],
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [example.com], resources: [widgets], verbs: [get, list, watch]}
`,
    );
    assert.equal(r.code, 0, r.stderr);
    for (const role of ['view', 'edit', 'admin']) {
      await waitFor(
        `widgets in ${role}`,
        async () => {
          const out = await x.admin(['get', 'clusterrole', role, '-o', 'json']);
          return rbacJson(out.stdout).rules.some((rule) => rule.apiGroups?.includes('example.com') && rule.resources?.includes('widgets'));
        },
        10_000,
        100,
      );
    }
    // view also carries the bootstrap view rules, and not edit's writes.
    const view = rbacJson((await x.admin(['get', 'clusterrole', 'view', '-o', 'json'])).stdout);
    assert.ok(view.rules.some((rule) => rule.resources?.includes('pods') && rule.verbs.includes('list')));
    assert.ok(!view.rules.some((rule) => rule.resources?.includes('secrets')));
  });

  void test('kubectl auth reconcile creates and then extends a Role', async () => {
    const role = (verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reconciled, namespace: team-b}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [${verbs}]}
`;
    const first = await x.admin(['auth', 'reconcile', '-f', '-'], role('get'));
    assert.equal(first.code, 0, first.stderr);
    const second = await x.admin(['auth', 'reconcile', '-f', '-'], role('get, list'));
    assert.equal(second.code, 0, second.stderr);
    const got = rbacJson((await x.admin(['get', 'role', 'reconciled', '-n', 'team-b', '-o', 'json'])).stdout);
    assert.ok(
      got.rules.some((r) => r.verbs.includes('list')),
      JSON.stringify(got.rules),
    );
  });

  void test('is reconciled on start: a removed rule and a removed binding come back', async () => {
    await x.admin(['patch', 'clusterrole', 'system:basic-user', '--type=json', '-p', '[{"op":"remove","path":"/rules/0"}]']);
    await x.admin(['delete', 'clusterrolebinding', 'system:discovery']);
    await x.f.restartServer();
    const role = rbacJson((await x.admin(['get', 'clusterrole', 'system:basic-user', '-o', 'json'])).stdout);
    assert.ok(role.rules.some((rule) => rule.resources?.includes('selfsubjectaccessreviews')));
    const binding = rbacJson((await x.admin(['get', 'clusterrolebinding', 'system:discovery', '-o', 'json'])).stdout);
    assert.deepEqual(binding.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]);
  });
});
