import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grpcMatchToHttp } from './grpc-match';
import { buildHttpRouteTable, matchHttpRoute } from './http-route-table';

const rule = (ruleIndex: number) => ({ route: 'default/g', ruleIndex, backends: [], filters: [] });

function hit(matches: Parameters<typeof grpcMatchToHttp>[0][], path: string): boolean {
  const table = buildHttpRouteTable([
    { rule: rule(0), matches: matches.map(grpcMatchToHttp), hostnames: [''], secure: false, grpc: true, created: '' },
  ]);
  return !!matchHttpRoute(table, { host: 'x', url: path, method: 'POST', headers: {}, secure: false, grpc: true });
}

test('gRPC method matches become path matches', () => {
  assert.ok(hit([{ method: { service: 'pkg.Echo', method: 'Say' } }], '/pkg.Echo/Say'));
  assert.ok(!hit([{ method: { service: 'pkg.Echo', method: 'Say' } }], '/pkg.Echo/Shout'));
  assert.ok(hit([{ method: { service: 'pkg.Echo' } }], '/pkg.Echo/Shout'));
  assert.ok(!hit([{ method: { service: 'pkg.Echo' } }], '/pkg.EchoMore/Shout'), 'a service match is a whole segment');
  assert.ok(hit([{ method: { method: 'Say' } }], '/any.Service/Say'));
  assert.ok(!hit([{ method: { method: 'S.y' } }], '/any.Service/Say'), 'an Exact method name is not a pattern');
  assert.ok(hit([{ method: { type: 'RegularExpression', service: 'pkg\\..*', method: 'S.*' } }], '/pkg.Echo/Say'));
  assert.ok(!hit([{ method: { type: 'RegularExpression', service: 'pkg\\..*', method: 'S.*' } }], '/other.Echo/Say'));
  assert.ok(hit([{}], '/whatever.Service/Any'), 'no method: every call');
});

test('gRPC routes serve only gRPC requests, HTTP routes only HTTP/1 ones', () => {
  const table = buildHttpRouteTable([{ rule: rule(0), matches: [{}], hostnames: ['h'], secure: false, grpc: true, created: '' }]);
  const req = { host: 'h', url: '/a.B/C', method: 'POST', headers: {}, secure: false };
  assert.ok(matchHttpRoute(table, { ...req, grpc: true }));
  assert.equal(matchHttpRoute(table, req), undefined);
});
