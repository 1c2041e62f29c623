import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleMatches, rulesMatch } from './rules-match';
import type { AdmissionAttributes, Operation, WebhookRule } from './types';
import type { KindDef } from '../../../kinds/types';
import { podKind as podDef } from '../../../kinds/defs/kinds-core-pod';
import { deploymentKind as deployDef } from '../../../kinds/defs/kinds-apps';
import { nodeKind as nodeDef } from '../../../kinds/defs/kinds-core-node';
import { validatingWebhookConfigurationKind as vwc } from '../../../kinds/defs/kinds-admissionregistration';

const attrs = (def: KindDef, operation: Operation = 'CREATE', subresource = ''): AdmissionAttributes => ({
  operation,
  def,
  subresource,
  name: 'x',
  dryRun: false,
});
const rule = (r: Partial<WebhookRule>): WebhookRule => ({
  operations: ['CREATE'],
  apiGroups: [''],
  apiVersions: ['v1'],
  resources: ['pods'],
  scope: '*',
  ...r,
});

test('operation, group, version and resource must all match; "*" matches any', () => {
  assert.equal(ruleMatches(rule({}), attrs(podDef)), true);
  assert.equal(ruleMatches(rule({}), attrs(podDef, 'UPDATE')), false);
  assert.equal(ruleMatches(rule({ operations: ['*'] }), attrs(podDef, 'DELETE')), true);
  assert.equal(ruleMatches(rule({}), attrs(deployDef)), false);
  assert.equal(ruleMatches(rule({ apiGroups: ['apps'], resources: ['deployments'] }), attrs(deployDef)), true);
  assert.equal(ruleMatches(rule({ apiVersions: ['v1beta1'] }), attrs(podDef)), false);
  assert.equal(ruleMatches(rule({ apiGroups: ['*'], resources: ['*'] }), attrs(deployDef)), true);
});

test('subresources: "pods" is the main resource only; "pods/*", "*/status" and "*/*" reach subresources', () => {
  assert.equal(ruleMatches(rule({}), attrs(podDef, 'UPDATE', 'status')), false);
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['*'] }), attrs(podDef, 'UPDATE', 'status')), false);
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['pods/status'] }), attrs(podDef, 'UPDATE', 'status')), true);
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['pods/*'] }), attrs(podDef, 'UPDATE', 'status')), true);
  // As upstream: "*" after the slash also matches the empty subresource.
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['pods/*'] }), attrs(podDef, 'UPDATE')), true);
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['pods/status'] }), attrs(podDef, 'UPDATE')), false);
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['*/status'] }), attrs(podDef, 'UPDATE', 'status')), true);
  assert.equal(ruleMatches(rule({ operations: ['*'], resources: ['*/*'] }), attrs(podDef, 'UPDATE')), true);
});

test('scope: Namespaced and Cluster select by the kind', () => {
  const any = rule({ resources: ['*'] });
  assert.equal(ruleMatches({ ...any, scope: 'Namespaced' }, attrs(podDef)), true);
  assert.equal(ruleMatches({ ...any, scope: 'Namespaced' }, attrs(nodeDef)), false);
  assert.equal(ruleMatches({ ...any, scope: 'Cluster' }, attrs(nodeDef)), true);
  assert.equal(ruleMatches({ ...any, scope: 'Cluster' }, attrs(podDef)), false);
});

test('webhook configurations themselves are never sent to webhooks; no rules match nothing', () => {
  const everything = {
    name: 'all.x.y',
    clientConfig: {},
    rules: [rule({ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] })],
  };
  assert.equal(rulesMatch(everything, attrs(podDef)), true);
  assert.equal(rulesMatch(everything, attrs(vwc, 'DELETE')), false);
  assert.equal(rulesMatch({ ...everything, rules: [] }, attrs(podDef)), false);
});
