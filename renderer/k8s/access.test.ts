import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessReviewer, forgetOnForbidden, ruleAllows, type ResourceRule } from './access';
import type { K8sClient } from './client';
import { K8sError } from './errors';

interface Review {
  kind: string;
  spec: { namespace?: string; resourceAttributes?: Record<string, string> };
}

function fakeClient(answer: (path: string, body: Review) => unknown) {
  const calls: Array<{ path: string; body: Review }> = [];
  const client = {
    send(_m: string, path: string, body: Review) {
      calls.push({ path, body });
      const a = answer(path, body);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  } as unknown as K8sClient;
  return { client, calls };
}

const viewer: ResourceRule[] = [
  { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] },
  { verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
];

test("rules match as upstream's RuleAllows: subresources, wildcards, resourceNames", () => {
  const q = (verb: string, resource: string, subresource?: string, name?: string, group = '') => ({
    verb,
    group,
    resource,
    subresource,
    name,
    namespace: 'team',
  });
  assert.ok(ruleAllows(viewer[0], q('list', 'pods')));
  assert.ok(ruleAllows(viewer[0], q('get', 'pods', 'log')));
  assert.ok(!ruleAllows(viewer[0], q('create', 'pods', 'exec')));
  assert.ok(!ruleAllows(viewer[0], q('delete', 'pods')));
  assert.ok(ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['*/exec'] }, q('create', 'pods', 'exec')));
  assert.ok(!ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['*/exec'] }, q('create', 'pods')));
  assert.ok(ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, q('delete', 'deployments', undefined, undefined, 'apps')));
  assert.ok(ruleAllows(viewer[1], q('patch', 'deployments', undefined, 'web', 'apps')));
  assert.ok(!ruleAllows(viewer[1], q('patch', 'deployments', undefined, 'other', 'apps')));
  assert.ok(!ruleAllows(viewer[1], q('patch', 'deployments', undefined, undefined, 'apps')), 'resourceNames need a name');
});

test('one rules review answers every check in a namespace, cached; denials say what is lacking', async () => {
  const { client, calls } = fakeClient(() => ({ status: { resourceRules: viewer, incomplete: false } }));
  let t = 0;
  const a = createAccessReviewer({ client, now: () => t, ttlMs: 1000 });
  const checks = await Promise.all([
    a.check({ verb: 'list', group: '', resource: 'pods', namespace: 'team' }),
    a.check({ verb: 'delete', group: '', resource: 'pods', namespace: 'team', name: 'p' }),
    a.check({ verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'team', name: 'p' }),
  ]);
  assert.deepEqual(
    checks.map((c) => c.allowed),
    [true, false, false],
  );
  assert.equal(checks[1].reason, 'You lack delete on pods in namespace team (RBAC)');
  assert.equal(checks[2].reason, 'You lack create on pods/exec in namespace team (RBAC)');
  assert.equal(calls.length, 1, 'one SelfSubjectRulesReview for all three');
  assert.equal(calls[0].body.kind, 'SelfSubjectRulesReview');
  assert.equal(calls[0].body.spec.namespace, 'team');
  assert.deepEqual(a.peek({ verb: 'list', group: '', resource: 'pods', namespace: 'team' }), { allowed: true });
  await a.check({ verb: 'get', group: '', resource: 'pods', namespace: 'other' });
  assert.equal(calls.length, 2, 'another namespace: its own review');
  t = 2000;
  await a.check({ verb: 'list', group: '', resource: 'pods', namespace: 'team' });
  assert.equal(calls.length, 3, 'asked again once the answer is old');
  let told = 0;
  a.onInvalidate(() => told++);
  a.invalidate();
  assert.equal(told, 1);
  assert.equal(a.peek({ verb: 'list', group: '', resource: 'pods', namespace: 'team' }), undefined);
});

test('cluster-wide checks and incomplete rules ask an access review each; identical ones share it', async () => {
  const { client, calls } = fakeClient((path, body) =>
    path.endsWith('selfsubjectrulesreviews')
      ? { status: { resourceRules: [], incomplete: true } }
      : { status: { allowed: body.spec.resourceAttributes?.verb === 'get' } },
  );
  const a = createAccessReviewer({ client });
  const node = { verb: 'patch', group: '', resource: 'nodes', namespace: '', name: 'n1' };
  const [x, y] = await Promise.all([a.check(node), a.check(node)]);
  assert.equal(x.allowed, false);
  assert.equal(x.reason, 'You lack patch on nodes cluster-wide (RBAC)');
  assert.deepEqual(x, y);
  assert.equal(calls.filter((c) => c.body.kind === 'SelfSubjectAccessReview').length, 1);
  assert.deepEqual(calls[0].body.spec.resourceAttributes, { verb: 'patch', group: '', resource: 'nodes', name: 'n1' });
  const got = await a.check({ verb: 'get', group: 'apps', resource: 'deployments', namespace: 'ns', name: 'd' });
  assert.equal(got.allowed, true, 'incomplete rules: the access review decides');
});

test('a server without the review APIs leaves actions offered', async () => {
  const { client } = fakeClient(() => new K8sError('not found', 404, 'NotFound', ''));
  const a = createAccessReviewer({ client });
  assert.deepEqual(await a.check({ verb: 'delete', group: '', resource: 'pods', namespace: 'x' }), { allowed: true });
  assert.deepEqual(await a.check({ verb: 'patch', group: '', resource: 'nodes', namespace: '' }), { allowed: true });
});

test('a 403 the answers said was allowed drops them (not younger ones), and listeners ask again', async () => {
  let rules = viewer;
  const { client, calls } = fakeClient((path, body) =>
    path.endsWith('selfsubjectrulesreviews')
      ? { status: { resourceRules: rules, incomplete: false } }
      : { status: { allowed: body.spec.resourceAttributes?.resource === 'nodes' && rules.length > 0 } },
  );
  let t = 0;
  const a = createAccessReviewer({ client, now: () => t, ttlMs: 30_000, freshMs: 1000 });
  const pods = { verb: 'list', group: '', resource: 'pods', namespace: 'team' };
  const nodes = { verb: 'list', group: '', resource: 'nodes', namespace: '' };
  assert.equal((await a.check(pods)).allowed, true);
  assert.equal((await a.check(nodes)).allowed, true);
  assert.equal((await a.check({ ...pods, namespace: 'other' })).allowed, true);
  let told = 0;
  a.onInvalidate(() => told++);
  rules = []; // the binding is deleted
  const forbidden = (message: string) => new K8sError(message, 403, 'Forbidden', '');
  const podsInTeam = forbidden('pods is forbidden: User "u" cannot watch resource "pods" in API group "" in the namespace "team"');

  forgetOnForbidden(a, podsInTeam, '/api/v1/namespaces/team/pods');
  assert.equal(told, 0, 'answers younger than freshMs stay: a repeating 403 cannot loop the reviews');
  t = 5000;
  const n0 = calls.length;
  forgetOnForbidden(
    a,
    forbidden('pods is forbidden: User "u" cannot delete resource "pods" in API group "" in the namespace "team"'),
    '/api/v1/namespaces/team/pods/p',
  );
  forgetOnForbidden(
    a,
    forbidden('secrets is forbidden: User "u" cannot list resource "secrets" in API group "" in the namespace "team"'),
    '/api/v1/namespaces/team/secrets',
  );
  assert.equal(told, 0, 'a 403 the answers foresaw changes nothing');
  forgetOnForbidden(a, podsInTeam, '/api/v1/namespaces/team/pods');
  assert.equal(told, 1);
  assert.deepEqual(a.peek(pods), { allowed: true }, 'the old answer shows until the new one replaces it');
  assert.deepEqual(await a.check(pods), { allowed: false, reason: 'You lack list on pods in namespace team (RBAC)' });
  assert.equal(calls.length, n0 + 1, 'one rules review again');
  assert.equal((await a.check({ ...pods, namespace: 'other' })).allowed, true, "another namespace's rules are kept");
  assert.equal((await a.check(nodes)).allowed, true, 'a cluster-scoped review of another resource is kept');
  assert.equal(calls.length, n0 + 1);

  t = 10_000;
  forgetOnForbidden(
    a,
    forbidden('nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope'),
    '/api/v1/nodes',
  );
  assert.equal(told, 2);
  assert.equal((await a.check(nodes)).allowed, false);
  assert.equal((await a.check({ ...pods, namespace: 'other' })).allowed, false, 'cluster scope: every namespace asks again');

  t = 20_000;
  forgetOnForbidden(a, forbidden('no'), '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews');
  assert.equal(told, 2, "a review's own 403 changes nothing");
  forgetOnForbidden(a, forbidden('denied by a webhook'), '/api/v1/namespaces/team/pods');
  assert.equal(told, 3, 'a 403 not in RBAC wording: everything is asked again');
});

test('a check nobody waits on goes at low priority; a caller who waits asks again at its own, and the first answer serves both', async () => {
  const priorities: Array<string | undefined> = [];
  const answers: Array<(v: unknown) => void> = [];
  const client = {
    send(_m: string, _path: string, _body: unknown, opts?: { priority?: string }) {
      priorities.push(opts?.priority);
      return new Promise((resolve) => answers.push(resolve));
    },
  } as unknown as K8sClient;
  const a = createAccessReviewer({ client });
  const q = { verb: 'list', group: '', resource: 'nodes', namespace: '' };
  const sidebar = a.check(q, 'low');
  const sidebarAgain = a.check(q, 'low');
  assert.deepEqual(priorities, ['low'], 'identical low checks share one request');
  const view = a.check(q);
  assert.deepEqual(priorities, ['low', undefined], 'the waiting caller does not queue behind the low request');
  answers[1]({ status: { allowed: true } });
  assert.deepEqual(await view, { allowed: true });
  assert.deepEqual(await sidebar, { allowed: true });
  assert.deepEqual(await sidebarAgain, { allowed: true });
  void a.check(q);
  assert.equal(priorities.length, 2, 'answered: no further request');
  answers[0]({ status: { allowed: false } });
});

test('low-priority checks go two at a time, leaving the connections to the view; a check the view asks meanwhile goes at once', async () => {
  const sent: string[] = [];
  const answers = new Map<string, (v: unknown) => void>();
  const client = {
    send(_m: string, _path: string, body: Review) {
      const what = body.spec.resourceAttributes?.resource ?? '';
      sent.push(what);
      return new Promise((resolve) => answers.set(what, resolve));
    },
  } as unknown as K8sClient;
  const a = createAccessReviewer({ client });
  const q = (resource: string) => ({ verb: 'list', group: '', resource, namespace: '' });
  const sidebar = ['pods', 'services', 'configmaps', 'secrets', 'events'].map((r) => a.check(q(r), 'low'));
  assert.deepEqual(sent, ['pods', 'services']);
  const view = a.check(q('nodes'));
  assert.deepEqual(sent, ['pods', 'services', 'nodes'], "the view's check does not wait for the sidebar's");
  // The view also waits on one the sidebar has queued: asked now, and not again when its turn comes.
  const viewSecrets = a.check(q('secrets'));
  assert.deepEqual(sent, ['pods', 'services', 'nodes', 'secrets']);
  answers.get('secrets')!({ status: { allowed: true } });
  assert.deepEqual(await viewSecrets, { allowed: true });
  answers.get('pods')!({ status: { allowed: true } });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent, ['pods', 'services', 'nodes', 'secrets', 'configmaps'], 'a freed slot goes to the next waiting check');
  answers.get('services')!({ status: { allowed: true } });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent, ['pods', 'services', 'nodes', 'secrets', 'configmaps', 'events'], 'the answered one is skipped');
  for (const r of ['configmaps', 'events', 'nodes']) answers.get(r)!({ status: { allowed: true } });
  assert.deepEqual(await Promise.all([...sidebar, view]), Array(6).fill({ allowed: true }));
});
