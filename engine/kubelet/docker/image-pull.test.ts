import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPullPolicy, dockerMessage, explainPullError } from './image-pull';

test('default pull policy from the tag', () => {
  assert.equal(defaultPullPolicy('busybox'), 'Always');
  assert.equal(defaultPullPolicy('busybox:latest'), 'Always');
  assert.equal(defaultPullPolicy('127.0.0.1:5000/app'), 'Always', 'a port is not a tag');
  assert.equal(defaultPullPolicy('127.0.0.1:5000/app:v1'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('app@sha256:abc'), 'IfNotPresent');
});

test("Docker's messages lose dockerode's HTTP wrapper", () => {
  assert.equal(dockerMessage({ message: '(HTTP code 404) unexpected - manifest unknown ', json: undefined }), 'manifest unknown');
  assert.equal(dockerMessage({ json: { message: 'pull access denied' }, message: 'x' }), 'pull access denied');
});

test('auth failures say what to do; other failures pass through', () => {
  const none = explainPullError('127.0.0.1:5000/team/app:v1', 'unauthorized: authentication required', []);
  assert.match(
    none,
    /^unauthorized: authentication required \(authentication required by 127\.0\.0\.1:5000, and no imagePullSecret has credentials for it: .*kubectl create secret docker-registry NAME --docker-server=127\.0\.0\.1:5000/,
  );
  assert.match(none, /imagePullSecrets or its ServiceAccount's\)$/);
  const bad = explainPullError('127.0.0.1:5000/team/app:v1', 'unauthorized: authentication required', [
    { server: '127.0.0.1:5000', username: 'alice', password: 'x', source: 'default/regcred' },
  ]);
  assert.match(
    bad,
    /\(authentication failed: 127\.0\.0\.1:5000 rejected the credentials from Secret default\/regcred \(user "alice"\): check the username and password in that Secret\)$/,
  );
  assert.match(
    explainPullError('r:5000/a:1', 'Head "http://r:5000/v2/a/manifests/1": no basic auth credentials', []),
    /no basic auth credentials \(authentication required by r:5000,/,
  );
  assert.equal(
    explainPullError('r:5000/a:1', 'dial tcp 127.0.0.1:4010: connect: connection refused', []),
    'dial tcp 127.0.0.1:4010: connect: connection refused',
    'a port with 401 in it is no auth problem',
  );
  assert.equal(explainPullError('x:1', 'manifest unknown', []), 'manifest unknown');
});
