import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mutatingWebhookConfigurationKind as mwc,
  validatingWebhookConfigurationKind as vwc,
  webhooksOf,
} from './kinds-admissionregistration';
import type { KubeObject } from '../types';

const config = (webhook: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'c' },
  webhooks: [
    {
      name: 'hook.example.com',
      clientConfig: { url: 'https://127.0.0.1:9443/v' },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...webhook,
    },
  ],
});
const errorsOf = (kind: typeof mwc, o: KubeObject) => {
  kind.defaults?.(o);
  return (kind.validate?.(o) ?? []).map((e) => `${e.field}: ${e.message}`);
};

test('defaults as upstream v1: Fail, Equivalent, empty selectors, 10 s, Never, scope *, port 443', () => {
  const o = config({ clientConfig: { service: { namespace: 'ns', name: 'svc' } } });
  mwc.defaults?.(o);
  const [w] = webhooksOf(o);
  assert.equal(w.failurePolicy, 'Fail');
  assert.equal(w.matchPolicy, 'Equivalent');
  assert.deepEqual([w.namespaceSelector, w.objectSelector], [{}, {}]);
  assert.equal(w.timeoutSeconds, 10);
  assert.equal(w.reinvocationPolicy, 'Never');
  assert.equal(w.rules?.[0].scope, '*');
  assert.equal(w.clientConfig.service?.port, 443);
  const v = config({});
  vwc.defaults?.(v);
  assert.equal(webhooksOf(v)[0].reinvocationPolicy, undefined, 'validating webhooks have no reinvocation');
  assert.deepEqual(errorsOf(mwc, config({})), []);
});

test('validation words what upstream refuses', () => {
  assert.deepEqual(errorsOf(vwc, config({ clientConfig: {} })), [
    'webhooks[0].clientConfig: Required value: exactly one of url or service is required',
  ]);
  assert.deepEqual(errorsOf(vwc, config({ clientConfig: { url: 'http://127.0.0.1/' } })), [
    `webhooks[0].clientConfig.url: Invalid value: "http://127.0.0.1/": 'https' is the only allowed URL scheme`,
  ]);
  assert.deepEqual(errorsOf(vwc, config({ sideEffects: undefined })), [
    'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
  ]);
  assert.deepEqual(errorsOf(vwc, config({ sideEffects: 'Some' })), [
    'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
  ]);
  assert.deepEqual(errorsOf(vwc, config({ timeoutSeconds: 31 })), [
    'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
  ]);
  assert.deepEqual(errorsOf(vwc, config({ name: 'short.name' })), [
    'webhooks[0].name: Invalid value: "short.name": should be a domain with at least three segments separated by dots',
  ]);
  assert.deepEqual(errorsOf(vwc, config({ rules: [{ operations: ['PATCH'], apiGroups: [''], apiVersions: ['v1'], resources: [] }] })), [
    'webhooks[0].rules[0].resources: Required value',
    'webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CREATE", "UPDATE", "DELETE", "CONNECT"',
  ]);
  const twice = config({});
  twice.webhooks = [...webhooksOf(twice), ...webhooksOf(config({}))];
  assert.deepEqual(errorsOf(vwc, twice), ['webhooks[1].name: Duplicate value: "hook.example.com"']);
});
