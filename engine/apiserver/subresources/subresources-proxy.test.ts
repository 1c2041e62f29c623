import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxySubpath, splitSchemeNamePort } from './subresources-proxy';

test('ids: name, name:port, scheme:name:port with http or https only', () => {
  assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
  assert.deepEqual(splitSchemeNamePort('web:80'), { scheme: '', name: 'web', port: '80' });
  assert.deepEqual(splitSchemeNamePort('https:web:tls'), { scheme: 'https', name: 'web', port: 'tls' });
  assert.equal(splitSchemeNamePort('ftp:web:21'), undefined);
  assert.equal(splitSchemeNamePort('a:b:c:d'), undefined);
  assert.equal(splitSchemeNamePort(':80'), undefined);
});

test('the backend path follows <plural>/<id>/proxy, cleaned, with its trailing slash', () => {
  const base = '/api/v1/namespaces/x/services/http:web:80/proxy';
  assert.deepEqual(proxySubpath(base, 'services', 'http:web:80'), { prefix: base, path: '' });
  assert.deepEqual(proxySubpath(`${base}/`, 'services', 'http:web:80'), { prefix: base, path: '/' });
  assert.deepEqual(proxySubpath(`${base}/a/b/`, 'services', 'http:web:80'), { prefix: base, path: '/a/b/' });
  assert.deepEqual(proxySubpath(`${base}/a/../../etc`, 'services', 'http:web:80'), { prefix: base, path: '/etc' });
  // A name that is itself "proxy", percent-encoded ids.
  assert.deepEqual(proxySubpath('/api/v1/nodes/proxy/proxy/x', 'nodes', 'proxy'), { prefix: '/api/v1/nodes/proxy/proxy', path: '/x' });
  assert.deepEqual(proxySubpath('/api/v1/namespaces/x/pods/web%3A80/proxy/y', 'pods', 'web:80'), {
    prefix: '/api/v1/namespaces/x/pods/web%3A80/proxy',
    path: '/y',
  });
});
