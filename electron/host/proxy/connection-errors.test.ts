import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNetworkError, hostPort } from './connection-errors';
import { describeHttpFailure } from '../profiles/profile-check';
import { describeExecError } from '../profiles/exec-consent';

const err = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`boom ${code}`), { code, ...extra });
const u = new URL('https://api.example.com:6443');

test('network and TLS errors in words, with the address', () => {
  assert.equal(hostPort(new URL('https://a.b')), 'a.b:443');
  assert.equal(hostPort(new URL('http://a.b')), 'a.b:80');
  assert.equal(describeNetworkError(err('ENOTFOUND'), u), 'no such host api.example.com');
  assert.equal(describeNetworkError(err('ECONNREFUSED'), u), 'connection refused at api.example.com:6443');
  assert.equal(describeNetworkError(err('ETIMEDOUT'), u, 5000), 'no answer from api.example.com:6443 within 5 s');
  assert.match(describeNetworkError(err('SELF_SIGNED_CERT_IN_CHAIN'), u), /^certificate signed by unknown authority/);
  assert.match(describeNetworkError(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), u), /^certificate signed by unknown authority/);
  assert.equal(
    describeNetworkError(
      err('ERR_TLS_CERT_ALTNAME_INVALID', { host: 'api.example.com', cert: { subjectaltname: 'DNS:localhost, IP Address:127.0.0.1' } }),
      u,
    ),
    'certificate name mismatch: the certificate of api.example.com:6443 is valid for localhost, 127.0.0.1, not api.example.com (tls-server-name in the kubeconfig names the expected one)',
  );
  assert.match(describeNetworkError(err('CERT_HAS_EXPIRED'), u), /has expired/);
  assert.match(
    describeNetworkError(
      Object.assign(new Error('write EPROTO 0:error:0A00010B:SSL routines::wrong version number'), { code: 'EPROTO' }),
      u,
    ),
    /does not speak HTTPS/,
  );
  assert.equal(describeNetworkError(err('EWHATEVER'), u), 'boom EWHATEVER at api.example.com:6443');
});

test('API answers in words: 401, 403 (with the Status message), others', () => {
  assert.equal(
    describeHttpFailure({ status: 401, text: '{"kind":"Status","message":"Unauthorized"}' }),
    'unauthorized: the credentials were rejected',
  );
  assert.equal(
    describeHttpFailure({ status: 403, text: JSON.stringify({ message: 'version is forbidden: User "bob" cannot get path "/version"' }) }),
    'forbidden: version is forbidden: User "bob" cannot get path "/version"',
  );
  assert.equal(describeHttpFailure({ status: 403, text: '' }), 'forbidden: the user may not do this');
  assert.equal(describeHttpFailure({ status: 500, text: 'oops' }), 'the API server answered 500: oops');
});

test('exec plugin failures: not found names the PATH searched and the fix; other errors are not blamed on it', () => {
  const cmd = { command: 'aws', args: ['eks', 'get-token'], env: [], via: 'exec' as const, installHint: 'Install the AWS CLI.' };
  const notFound = Object.assign(new Error('spawn aws ENOENT'), { code: 'ENOENT', syscall: 'spawn aws', path: 'aws' });
  const msg = describeExecError(notFound, cmd, { PATH: '/usr/bin:/bin' })!;
  assert.match(msg, /the exec plugin "aws" was not found: it is not on the PATH the app searched \(\/usr\/bin:\/bin\)/);
  assert.match(msg, /absolute path in the kubeconfig/);
  assert.match(msg, /command -v aws/);
  assert.match(msg, /Install the AWS CLI\./);
  const withEnvPath = describeExecError(notFound, { ...cmd, env: [{ name: 'PATH', value: '/opt/bin' }] }, { PATH: '/usr/bin' })!;
  assert.match(withEnvPath, /\(\/opt\/bin\)/, 'the plugin env PATH is the one searched');
  assert.match(
    describeExecError(Object.assign(new Error('spawn /x/p EACCES'), { code: 'EACCES', syscall: 'spawn /x/p', path: '/x/p' }), cmd)!,
    /chmod \+x/,
  );
  assert.match(
    describeExecError(new Error('token expired, log in again'), cmd)!,
    /the exec plugin "aws" failed: token expired, log in again/,
  );
  assert.equal(describeExecError(Object.assign(new Error('ENOENT: open ca.crt'), { code: 'ENOENT', syscall: 'open' }), cmd), undefined);
  assert.equal(describeExecError(new Error('x'), undefined), undefined);
  const leaky = describeExecError(new SyntaxError('Unexpected token \'s\', "sekrit-token" is not valid JSON'), cmd)!;
  assert.match(leaky, /did not print an ExecCredential \(its output is not JSON\)/);
  assert.doesNotMatch(leaky, /sekrit/, 'the output (maybe a credential) is not quoted');
});
