import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebhookAdmission } from './webhook-admission';
import { ApiError } from '../../status';
import { collectingRequest } from '../admission-request';
import type { Webhook, WebhookEntry } from './types';
import type { WebhookTarget } from './webhook-client';
import type { AuthorizeFn } from '../cel-authorizer';
import type { Attributes } from '../../authz/request-info';

import { podKind as podDef } from '../../../kinds/defs/kinds-core-pod';
import { mutatingWebhookConfigurationKind as mwcDef } from '../../../kinds/defs/kinds-admissionregistration';
import type { KubeObject } from '../../../kinds/types';

/** The part of an AdmissionReview request these tests read. */
interface SentRequest {
  uid: string;
  operation: string;
  dryRun: boolean;
  userInfo: unknown;
  object: KubeObject | null;
  oldObject: KubeObject | null;
}
const pod = (labels: Record<string, string> = {}): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', labels } });
const labelsOf = (req: SentRequest) => req.object?.metadata.labels ?? {};
const podRule = [
  { operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' as const },
];
const hook = (name: string, w: Partial<Webhook> = {}): Webhook => ({
  name,
  clientConfig: { url: `https://127.0.0.1/${name}` },
  rules: podRule,
  failurePolicy: 'Fail',
  sideEffects: 'None',
  timeoutSeconds: 10,
  admissionReviewVersions: ['v1'],
  ...w,
});
type Answer = (req: SentRequest) => object;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const addLabel = (k: string, v: string) => ({
  allowed: true,
  patchType: 'JSONPatch',
  patch: b64([{ op: 'add', path: `/metadata/labels/${k}`, value: v }]),
});

function setup(mutating: Webhook[], validating: Webhook[], answers: Record<string, Answer>, authorize?: AuthorizeFn) {
  const calls: Array<{ name: string; req: SentRequest }> = [];
  const entries = (hooks: Webhook[]): WebhookEntry[] => hooks.map((webhook) => ({ configuration: 'c', webhook }));
  const plugins = createWebhookAdmission({
    webhooks: (kind) => Promise.resolve(entries(kind === 'mutating' ? mutating : validating)),
    namespaceLabels: () => Promise.resolve({}),
    lookup: { service: () => Promise.resolve(undefined), endpoints: () => Promise.resolve(undefined) },
    authorize,
    post: (target: WebhookTarget, review: object) => {
      const body = review as { request: SentRequest };
      const name = target.url.pathname.slice(1);
      calls.push({ name, req: body.request });
      const answer = answers[name];
      if (!answer) return Promise.reject(new Error(`dial tcp 127.0.0.1:443: connect: connection refused`));
      const response = { uid: body.request.uid, ...answer(body.request) };
      return Promise.resolve({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
    },
  });
  return { ...plugins, calls };
}

const rejects = (p: Promise<unknown>, code: number, re: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof ApiError && e.code === code && re.test(e.message));

test('a validating webhook denial reaches the client worded as upstream, with its code', async () => {
  const s = setup([], [hook('deny.x.y')], {
    'deny.x.y': (req) => (labelsOf(req).bad ? { allowed: false, status: { message: 'pods labelled bad are refused' } } : { allowed: true }),
  });
  await s.validating.admitValid!(podDef, pod(), undefined, false);
  await rejects(
    s.validating.admitValid!(podDef, pod({ bad: '1' }), undefined, false),
    403,
    /^pods "p" is forbidden: admission webhook "deny.x.y" denied the request: pods labelled bad are refused$/,
  );
  const t = setup([], [hook('deny.x.y')], { 'deny.x.y': () => ({ allowed: false, status: { code: 422, reason: 'Nope' } }) });
  await rejects(t.validating.admitValid!(podDef, pod(), undefined, false), 422, /denied the request: Nope$/);
});

test('mutating webhooks run in order, each seeing the last patch; IfNeeded ones run again after a later change', async () => {
  const seen: string[] = [];
  const s = setup([hook('first.x.y', { reinvocationPolicy: 'IfNeeded' }), hook('second.x.y')], [], {
    'first.x.y': (req) => {
      seen.push(Object.keys(labelsOf(req)).sort().join(','));
      return labelsOf(req).first ? { allowed: true } : addLabel('first', 'yes');
    },
    'second.x.y': () => addLabel('second', 'yes'),
  });
  const obj = pod();
  await s.mutating.admit(podDef, obj, undefined, false);
  assert.deepEqual(obj.metadata.labels, { first: 'yes', second: 'yes' });
  assert.deepEqual(seen, ['', 'first,second'], 'first.x.y ran again after second.x.y changed the object');
  assert.deepEqual(
    s.calls.map((c) => c.name),
    ['first.x.y', 'second.x.y', 'first.x.y'],
  );
});

test('failurePolicy: Fail refuses with the call error, Ignore admits', async () => {
  const fail = setup([], [hook('down.x.y')], {});
  await rejects(
    fail.validating.admitValid!(podDef, pod(), undefined, false),
    500,
    /^Internal error occurred: failed calling webhook "down.x.y": failed to call webhook: dial tcp 127.0.0.1:443: connect: connection refused$/,
  );
  const ignore = setup([hook('down.x.y', { failurePolicy: 'Ignore' })], [hook('down2.x.y', { failurePolicy: 'Ignore' })], {});
  const obj = pod({ a: '1' });
  await ignore.mutating.admit(podDef, obj, undefined, false);
  await ignore.validating.admitValid!(podDef, obj, undefined, false);
  assert.deepEqual(obj.metadata.labels, { a: '1' });
  const bad = setup([], [hook('bad.x.y')], { 'bad.x.y': () => ({ uid: 'other', allowed: true }) });
  await rejects(
    bad.validating.admitValid!(podDef, pod(), undefined, false),
    500,
    /received invalid webhook response: expected response.uid/,
  );
});

test('dry run: webhooks with side effects refuse it, side-effect-free ones see dryRun', async () => {
  const s = setup([], [hook('fx.x.y', { sideEffects: 'Some' })], { 'fx.x.y': () => ({ allowed: true }) });
  await rejects(s.validating.admitValid!(podDef, pod(), undefined, true), 400, /^admission webhook "fx.x.y" does not support dry run$/);
  await s.validating.admitValid!(podDef, pod(), undefined, false);
  const t = setup([], [hook('pure.x.y', { sideEffects: 'NoneOnDryRun' })], { 'pure.x.y': () => ({ allowed: true }) });
  await t.validating.admitValid!(podDef, pod(), undefined, true);
  assert.equal(t.calls[0].req.dryRun, true);
});

test('warnings reach the request, also on a denial; the user is sent', async () => {
  const warned: string[] = [];
  const s = setup([], [hook('warn.x.y')], { 'warn.x.y': () => ({ allowed: false, warnings: ['careful'] }) });
  const ctx = collectingRequest({ user: 'alice', groups: ['dev'] }, (w) => warned.push(w));
  await rejects(s.validating.admitValid!(podDef, pod(), undefined, false, ctx), 403, /without explanation$/);
  assert.deepEqual(warned, ['careful']);
  assert.deepEqual(s.calls[0].req.userInfo, { username: 'alice', groups: ['dev'] });
});

test('unmatched requests and webhook configurations are never sent; DELETE carries the old object', async () => {
  const s = setup(
    [hook('all.x.y', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] })],
    [hook('sel.x.y', { objectSelector: { matchLabels: { check: 'me' } } })],
    {
      'all.x.y': () => ({ allowed: false }),
      'sel.x.y': () => ({ allowed: false }),
    },
  );
  await s.mutating.admit(mwcDef, { metadata: { name: 'c' } }, undefined, false);
  await s.validating.admitValid!(podDef, pod(), undefined, false);
  assert.equal(s.calls.length, 0);
  await rejects(s.validating.admitDelete!(podDef, pod({ check: 'me' }), false), 403, /denied/);
  assert.equal(s.calls[0].req.operation, 'DELETE');
  assert.equal(s.calls[0].req.object, null);
  assert.equal(s.calls[0].req.oldObject?.metadata.labels?.check, 'me');
});

test('CONNECT (pods/exec) sends the exec options without metadata; object selectors never match it', async () => {
  const execRule = [{ operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/exec'] }];
  const s = setup(
    [],
    [hook('noexec.x.y', { rules: execRule }), hook('sel.x.y', { rules: execRule, objectSelector: { matchLabels: { a: 'b' } } })],
    {
      'noexec.x.y': () => ({ allowed: false, status: { message: 'no exec here' } }),
      'sel.x.y': () => ({ allowed: false }),
    },
  );
  const options = { kind: 'PodExecOptions', apiVersion: 'v1', metadata: {}, command: ['sh'], tty: true };
  await rejects(
    s.validating.admitConnect!(podDef, pod({ a: 'b' }), options, 'exec'),
    403,
    /^pods "p" is forbidden: admission webhook "noexec.x.y" denied the request: no exec here$/,
  );
  assert.deepEqual(
    s.calls.map((c) => c.name),
    ['noexec.x.y'],
  );
  assert.equal(s.calls[0].req.operation, 'CONNECT');
  assert.deepEqual(s.calls[0].req.object, { kind: 'PodExecOptions', apiVersion: 'v1', command: ['sh'], tty: true });
  await s.validating.admitConnect!(podDef, pod(), options, 'attach');
});

test('matchConditions decide whether a webhook is called; an evaluation error follows failurePolicy', async () => {
  const only = (expression: string) => [{ name: 'c', expression }];
  const s = setup(
    [],
    [
      hook('labelled.x.y', { matchConditions: only("has(object.metadata.labels) && 'team' in object.metadata.labels") }),
      hook('creates.x.y', { matchConditions: only("request.operation == 'CREATE'") }),
      hook('broken.x.y', { matchConditions: only('object.metadata.nope == 1'), failurePolicy: 'Ignore' }),
    ],
    { 'labelled.x.y': () => ({ allowed: true }), 'creates.x.y': () => ({ allowed: true }), 'broken.x.y': () => ({ allowed: true }) },
  );
  await s.validating.admitValid!(podDef, pod(), undefined, false);
  await s.validating.admitValid!(podDef, pod({ team: 'a' }), pod(), false);
  assert.deepEqual(
    s.calls.map((c) => c.name),
    ['creates.x.y', 'labelled.x.y'],
  );
  const failing = setup([], [hook('broken.x.y', { matchConditions: only('object.metadata.nope == 1') })], {});
  await rejects(failing.validating.admitValid!(podDef, pod(), undefined, false), 500, /matchCondition "c": no such key: nope/);
});

test('matchConditions may ask the authorizer, as the requesting user or a ServiceAccount (as upstream offers it to webhooks)', async () => {
  const asked: Attributes[] = [];
  // Only bob may "bypass" pods, and the ServiceAccount ci/deployer may "get" them.
  const authorize: AuthorizeFn = (a) => {
    asked.push(a);
    const allowed =
      (a.user.user === 'bob' && a.verb === 'bypass' && a.resource === 'pods' && a.namespace === 'ns') ||
      (a.user.user === 'system:serviceaccount:ci:deployer' && a.verb === 'get');
    return Promise.resolve({ allowed, reason: allowed ? 'test policy' : '' });
  };
  const only = (expression: string) => [{ name: 'c', expression }];
  const s = setup(
    [],
    [
      hook('audit.x.y', { matchConditions: only("!authorizer.requestResource.check('bypass').allowed()") }),
      hook('sa.x.y', {
        matchConditions: only("authorizer.serviceAccount('ci', 'deployer').group('').resource('pods').check('get').allowed()"),
      }),
    ],
    { 'audit.x.y': () => ({ allowed: true }), 'sa.x.y': () => ({ allowed: true }) },
    authorize,
  );
  const as = (user: string) => collectingRequest({ user, groups: ['system:authenticated'] }, () => {});
  await s.validating.admitValid!(podDef, pod(), undefined, false, as('alice'));
  await s.validating.admitValid!(podDef, pod(), undefined, false, as('bob'));
  assert.deepEqual(
    s.calls.map((c) => c.name),
    ['audit.x.y', 'sa.x.y', 'sa.x.y'],
    "alice is audited, bob bypasses; the ServiceAccount's check holds for both",
  );
  const bypass = asked.find((a) => a.verb === 'bypass' && a.user.user === 'bob');
  assert.deepEqual([bypass?.apiGroup, bypass?.resource, bypass?.namespace, bypass?.name], ['', 'pods', 'ns', 'p']);
  // Without an authorizer a check is not allowed (its error() says why), as an erroring authorizer upstream.
  const none = setup([], [hook('audit.x.y', { matchConditions: only("authorizer.requestResource.check('get').allowed()") })], {});
  await none.validating.admitValid!(podDef, pod(), undefined, false, as('alice'));
  assert.deepEqual(none.calls, []);
});
