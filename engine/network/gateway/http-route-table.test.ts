import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHttpRouteTable, matchHttpRoute, type AttachedRule, type CompiledRule } from './http-route-table';
import type { HttpMatch } from './gateway-types';
import { rewritePath } from './gateway-router';

const rule = (route: string, ruleIndex = 0): CompiledRule => ({ route, ruleIndex, backends: [], filters: [] });
const attach = (
  r: CompiledRule,
  matches: HttpMatch[],
  hostnames = [''],
  created = '2026-01-01T00:00:00Z',
  secure = false,
): AttachedRule => ({
  rule: r,
  matches,
  hostnames,
  secure,
  created,
});
const req = (host: string, url: string, headers: Record<string, string> = {}, method = 'GET') => ({
  host,
  url,
  method,
  headers,
  secure: false,
});
const hit = (t: ReturnType<typeof buildHttpRouteTable>, r: ReturnType<typeof req>) => {
  const h = matchHttpRoute(t, r);
  return h && `${h.rule.route}#${h.rule.ruleIndex}`;
};

test('Exact beats PathPrefix; the longest prefix wins; prefixes match whole segments', () => {
  const t = buildHttpRouteTable([
    attach(rule('d/root'), [{ path: { type: 'PathPrefix', value: '/' } }]),
    attach(rule('d/foo'), [{ path: { type: 'PathPrefix', value: '/foo/' } }]),
    attach(rule('d/exact'), [{ path: { type: 'Exact', value: '/foo' } }]),
    attach(rule('d/regex'), [{ path: { type: 'RegularExpression', value: '/r/[0-9]+' } }]),
  ]);
  assert.equal(hit(t, req('a', '/foo')), 'd/exact#0');
  assert.equal(hit(t, req('a', '/foo/bar?x=1')), 'd/foo#0');
  assert.equal(hit(t, req('a', '/foobar')), 'd/root#0');
  assert.equal(hit(t, req('a', '/r/12')), 'd/regex#0');
  assert.equal(hit(t, req('a', '/r/x')), 'd/root#0');
  assert.equal(matchHttpRoute(t, req('a', '/foo/x'))?.prefix, '/foo');
});

test('method, then more headers, then more query params; then the oldest route', () => {
  const t = buildHttpRouteTable([
    attach(rule('d/plain'), [{}], [''], '2026-01-01T00:00:00Z'),
    attach(rule('d/h1'), [{ headers: [{ name: 'X-A', value: '1' }] }]),
    attach(rule('d/h2'), [
      {
        headers: [
          { name: 'x-a', value: '1' },
          { type: 'RegularExpression', name: 'X-B', value: 'b.*' },
        ],
      },
    ]),
    attach(rule('d/q'), [{ queryParams: [{ name: 'v', value: '2' }] }]),
    attach(rule('d/post'), [{ method: 'POST' }]),
    attach(rule('d/newer'), [{}], [''], '2026-02-01T00:00:00Z'),
  ]);
  assert.equal(hit(t, req('a', '/', { 'x-a': '1', 'x-b': 'bee' })), 'd/h2#0');
  assert.equal(hit(t, req('a', '/', { 'x-a': '1', 'x-b': 'c' })), 'd/h1#0');
  assert.equal(hit(t, req('a', '/?v=2')), 'd/q#0');
  assert.equal(hit(t, req('a', '/', { 'x-a': '1' }, 'POST')), 'd/post#0');
  assert.equal(hit(t, req('a', '/')), 'd/plain#0', 'the older of two equal routes');
});

test('an exact host before wildcards before any host; a host without a matching rule falls through', () => {
  const t = buildHttpRouteTable([
    attach(rule('d/any'), [{}]),
    attach(rule('d/wild'), [{}], ['*.example.com']),
    attach(rule('d/deep'), [{}], ['*.b.example.com']),
    attach(rule('d/exact'), [{ path: { type: 'PathPrefix', value: '/only' } }], ['a.example.com']),
    attach(rule('d/tls'), [{}], ['s.example.com'], '2026-01-01T00:00:00Z', true),
  ]);
  assert.equal(hit(t, req('a.example.com', '/only/x')), 'd/exact#0');
  assert.equal(hit(t, req('a.example.com', '/')), 'd/wild#0');
  assert.equal(hit(t, req('x.b.example.com', '/')), 'd/deep#0');
  assert.equal(hit(t, req('example.com', '/')), 'd/any#0');
  assert.equal(hit(t, req('s.example.com', '/')), 'd/wild#0', 'HTTPS-only routes are not served over HTTP');
  assert.equal(hit(t, { ...req('s.example.com', '/'), secure: true }), 'd/tls#0');
});

test('path rewrites: full path, or the matched prefix replaced; the query is kept', () => {
  assert.equal(rewritePath('/a/b?q=1', { type: 'ReplaceFullPath', replaceFullPath: '/x' }, '/a'), '/x?q=1');
  assert.equal(rewritePath('/old/page', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' }, '/old'), '/new/page');
  assert.equal(rewritePath('/old', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' }, '/old'), '/new');
  assert.equal(rewritePath('/old/page', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' }, '/old'), '/page');
  assert.equal(rewritePath('/old', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' }, '/old'), '/');
  assert.equal(rewritePath('/x', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/api' }, '/'), '/api/x');
});
