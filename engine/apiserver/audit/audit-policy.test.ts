import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditDecision, DEFAULT_AUDIT_POLICY, parseAuditPolicy } from './audit-policy';
import { requestAttributes } from '../authz/request-info';

const alice = { user: 'alice', groups: ['dev', 'system:authenticated'] };
const attrs = (method: string, path: string, user = alice, query = '') => requestAttributes(user, method, path, new URLSearchParams(query));
const level = (policyText: string, method: string, path: string, user = alice) =>
  auditDecision(parseAuditPolicy(policyText), attrs(method, path, user)).level;

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: [/healthz*, /version]
- level: RequestResponse
  users: [bob]
- level: Request
  userGroups: [ops]
  verbs: [create]
- level: Metadata
  resources: [{group: "", resources: [pods/log, "*/scale"]}, {group: apps, resources: [deployments/*]}]
  omitStages: [ResponseStarted]
- level: Request
  namespaces: [team]
- level: RequestResponse
  resources: [{group: "", resources: [configmaps], resourceNames: [settings]}]
- level: Metadata
  resources: [{group: "", resources: ["*"]}]
`;

test('the first matching rule decides, as upstream: users, groups, verbs, resources, subresource wildcards, names, namespaces, URLs', () => {
  assert.equal(level(POLICY, 'GET', '/healthz/ping'), 'None');
  assert.equal(level(POLICY, 'GET', '/version'), 'None');
  assert.equal(level(POLICY, 'GET', '/metrics'), 'None', 'no rule matches: None');
  assert.equal(level(POLICY, 'GET', '/healthz', { user: 'bob', groups: [] }), 'None', 'earlier rule first');
  assert.equal(level(POLICY, 'GET', '/api/v1/nodes', { user: 'bob', groups: [] }), 'RequestResponse');
  assert.equal(level(POLICY, 'POST', '/api/v1/namespaces/x/pods', { user: 'carol', groups: ['ops'] }), 'Request');
  assert.equal(level(POLICY, 'GET', '/api/v1/namespaces/x/pods/p/log'), 'Metadata');
  assert.equal(level(POLICY, 'PUT', '/api/v1/namespaces/x/replicationcontrollers/r/scale'), 'Metadata', '*/scale');
  assert.equal(level(POLICY, 'PATCH', '/apis/apps/v1/namespaces/x/deployments/d/status'), 'Metadata', 'deployments/*');
  assert.equal(level(POLICY, 'GET', '/apis/apps/v1/namespaces/x/deployments/d'), 'Metadata', 'as upstream, res/* matches res too');
  assert.equal(level(POLICY, 'GET', '/apis/apps/v1/namespaces/x/replicasets/r'), 'None', 'another resource of the group');
  assert.equal(level(POLICY, 'GET', '/api/v1/namespaces/team/services'), 'Request', 'namespaces');
  assert.equal(level(POLICY, 'GET', '/api/v1/namespaces/x/configmaps/settings'), 'RequestResponse', 'resourceNames');
  assert.equal(level(POLICY, 'GET', '/api/v1/namespaces/x/configmaps/other'), 'Metadata');
  assert.equal(level(POLICY, 'GET', '/api/v1/namespaces/x/pods/p/exec'), 'Metadata', '"*" covers subresources');
  const d = auditDecision(parseAuditPolicy(POLICY), attrs('GET', '/api/v1/namespaces/x/pods/p/log'));
  assert.deepEqual([...d.omitStages].sort(), ['RequestReceived', 'ResponseStarted'], 'policy and rule omitStages both apply');
});

test('the default policy: health checks and lease reads off, secrets at Metadata, writes with their bodies', () => {
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'GET', '/readyz'), 'None');
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n'), 'Request');
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n'), 'None');
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'POST', '/api/v1/namespaces/x/secrets'), 'Metadata');
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'POST', '/api/v1/namespaces/x/serviceaccounts/default/token'), 'Metadata');
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'POST', '/api/v1/namespaces/x/pods'), 'Request');
  assert.equal(level(DEFAULT_AUDIT_POLICY, 'GET', '/api/v1/namespaces/x/pods'), 'Metadata');
});

test('a bad policy is refused with the rule and field', () => {
  const bad = (rules: string, re: RegExp, head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n') =>
    assert.throws(() => parseAuditPolicy(`${head}rules: ${rules}\n`, 'p.yaml'), re);
  bad(
    '[{level: Loud}]',
    /^Error: p.yaml: rules\[0\]\.level: Unsupported value: "Loud": supported values: None, Metadata, Request, RequestResponse$/,
  );
  bad('[{level: None}, {level: Metadata, omitStages: [Later]}]', /rules\[1\]\.omitStages: unsupported stage "Later"/);
  bad('[{level: None, nonResourceURLs: [/x], resources: [{resources: [pods]}]}]', /both regular resources and non-resource URLs/);
  bad('[{level: None, nonResourceURLs: ["/a*b"]}]', /\* is only allowed at the end/);
  bad('[{level: None, resources: [{resourceNames: [x]}]}]', /resourceNames require resources/);
  bad('[{level: None, users: alice}]', /rules\[0\]\.users must be a list of strings/);
  bad('[]', /apiVersion must be audit.k8s.io\/v1/, 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\n');
  bad('[]', /kind must be Policy/, 'apiVersion: audit.k8s.io/v1\nkind: Config\n');
  assert.throws(() => parseAuditPolicy('a: [', 'p.yaml'), /p.yaml is not valid YAML/);
});
