import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJoinedPolicyCredentials } from './joined-policy';

const good = {
  token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
  expirationTimestamp: '2026-01-01T01:00:00Z',
  serviceCIDR: '10.1.128.0/17',
  passFrom: ['10.1.0.2'],
};

test('credentials from the first machine are read as they are', () => {
  assert.deepEqual(parseJoinedPolicyCredentials(good), good);
  assert.deepEqual(parseJoinedPolicyCredentials({ ...good, passFrom: undefined }).passFrom, []);
});

test('anything that is not a plain token, IPv4 CIDR or address is refused before it reaches a header or an nft script', () => {
  const bad: [object, RegExp][] = [
    [{ ...good, token: 'abc\r\nX-Evil: 1' }, /no usable token/],
    [{ ...good, token: 42 }, /no usable token/],
    [{ ...good, serviceCIDR: '10.1.128.0/17; flush ruleset' }, /serviceCIDR .* is not an IPv4 CIDR/],
    [{ ...good, serviceCIDR: '300.1.0.0/16' }, /not an IPv4 CIDR/],
    [{ ...good, serviceCIDR: '10.1.0.0/33' }, /not an IPv4 CIDR/],
    [{ ...good, passFrom: ['10.1.0.2 accept; drop'] }, /passFrom must be/],
    [{ ...good, passFrom: Array(17).fill('10.0.0.1') }, /passFrom must be/],
  ];
  for (const [body, why] of bad) assert.throws(() => parseJoinedPolicyCredentials(body), why, JSON.stringify(body));
  assert.throws(() => parseJoinedPolicyCredentials(null), /no usable token/);
});
