import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from './validation/validation';
import { endpointIPProblems, ipBytes, isDialableEndpointIP } from './endpoint-addresses';
import { endpointSliceKind } from './defs/kinds-networking';
import { endpointsKind } from './defs/kinds-core';

test('special addresses, with upstream messages', () => {
  assert.deepEqual(endpointIPProblems('127.0.0.1'), ['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(endpointIPProblems('127.200.3.4'), ['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(endpointIPProblems('::1'), ['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(endpointIPProblems('::ffff:127.0.0.1'), ['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(endpointIPProblems('169.254.169.254'), ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  assert.deepEqual(endpointIPProblems('fe80::1'), ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  assert.deepEqual(endpointIPProblems('224.0.0.251'), ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
  assert.deepEqual(endpointIPProblems('ff02::1'), ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
  assert.deepEqual(endpointIPProblems('0.0.0.0'), ['may not be unspecified (0.0.0.0)']);
  assert.deepEqual(endpointIPProblems('::'), ['may not be unspecified (::)']);
  assert.deepEqual(endpointIPProblems('nope'), ['must be a valid IP address']);
  for (const ok of ['10.0.0.1', '172.18.0.5', '2001:db8::1', '::ffff:10.1.2.3']) assert.deepEqual(endpointIPProblems(ok), [], ok);
  assert.deepEqual(ipBytes('1::2'), [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  assert.equal(isDialableEndpointIP('239.1.2.3'), false, 'no multicast backends');
  assert.equal(isDialableEndpointIP('10.1.2.3'), true);
});

test('EndpointSlice and Endpoints addresses are validated; the kubernetes Service keeps its own', () => {
  const slice = (ns: string, svc: string, addr: string) => ({
    metadata: { name: 's', namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [addr] }],
    ports: [],
  });
  assert.deepEqual(endpointSliceKind.validate!(slice('default', 'web', '127.0.0.1')).map(formatFieldError), [
    'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
  assert.deepEqual(endpointSliceKind.validate!(slice('default', 'web', '::1')).map(formatFieldError), [
    'endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
  ]);
  assert.deepEqual(endpointSliceKind.validate!(slice('default', 'kubernetes', '127.0.0.1')), []);
  assert.equal(endpointSliceKind.validate!(slice('other', 'kubernetes', '127.0.0.1')).length, 1);
  const ep = (name: string, ip: string) => ({ metadata: { name, namespace: 'default' }, subsets: [{ notReadyAddresses: [{ ip }] }] });
  assert.deepEqual(endpointsKind.validate!(ep('web', '169.254.169.254')).map(formatFieldError), [
    'subsets[0].notReadyAddresses[0].ip: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ]);
  assert.deepEqual(endpointsKind.validate!(ep('kubernetes', '127.0.0.1')), []);
});
