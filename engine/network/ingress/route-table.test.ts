import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kinds/types';
import type { ServiceRoute } from '../table';
import { buildRouteTable, isReservedHost, matchRoute, normalizeHost, prefixMatches } from './route-table';

const svc = (name: string, ports: { name?: string; port: number }[]): KubeObject => ({
  metadata: { namespace: 'default', name },
  spec: { clusterIP: `10.0.0.${name.length}`, ports },
});
const route = (name: string, port: number, ips: string[]): ServiceRoute => ({
  id: `default/${name}`,
  ip: `10.0.0.${name.length}`,
  ports: [{ port, protocol: 'TCP', endpoints: ips.map((ip) => ({ ip, port: 8080 })) }],
});
const backend = (name: string, port: number | string) => ({
  service: { name, port: typeof port === 'number' ? { number: port } : { name: port } },
});
const ing = (name: string, spec: Record<string, unknown>, created = '2026-01-01T00:00:00Z'): KubeObject => ({
  metadata: { namespace: 'default', name, creationTimestamp: created },
  spec,
});
const rule = (host: string | undefined, paths: [string, string, string][]) => ({
  ...(host ? { host } : {}),
  http: { paths: paths.map(([path, pathType, svcName]) => ({ path, pathType, backend: backend(svcName, 80) })) },
});

const services = [svc('a', [{ port: 80 }]), svc('bb', [{ port: 80 }]), svc('ccc', [{ name: 'http', port: 80 }])];
const routes = [route('a', 80, ['10.1.0.1']), route('bb', 80, ['10.1.0.2']), route('ccc', 80, [])];
const hit = (t: ReturnType<typeof buildRouteTable>['table'], host: string, path: string) => matchRoute(t, host, path)?.backend.id;

test('prefix matching is element-wise, with trailing slashes ignored', () => {
  assert.ok(prefixMatches('/foo', '/foo'));
  assert.ok(prefixMatches('/foo', '/foo/'));
  assert.ok(prefixMatches('/foo', '/foo/bar'));
  assert.ok(!prefixMatches('/foo', '/foobar'));
  assert.ok(prefixMatches('/', '/anything'));
  const { table } = buildRouteTable({
    ingresses: [ing('i', { rules: [rule('x.localhost', [['/aaa/bbb/', 'Prefix', 'a']])] })],
    services,
    routes,
  });
  assert.equal(hit(table, 'x.localhost', '/aaa/bbb'), 'default/a:80');
  assert.equal(hit(table, 'x.localhost', '/aaa/bbbxyz'), undefined);
  assert.equal(hit(table, 'x.localhost', '/aaa/bbb/c?q=1'), 'default/a:80');
});

test('longest path wins, then Exact before Prefix; ImplementationSpecific acts as Prefix', () => {
  const { table } = buildRouteTable({
    ingresses: [
      ing('i', {
        rules: [
          rule('x.localhost', [
            ['/', 'Prefix', 'a'],
            ['/api', 'ImplementationSpecific', 'bb'],
            ['/api', 'Exact', 'ccc'],
          ]),
        ],
      }),
    ],
    services,
    routes,
  });
  assert.equal(hit(table, 'x.localhost', '/'), 'default/a:80');
  assert.equal(hit(table, 'x.localhost', '/api'), 'default/ccc:80');
  assert.equal(hit(table, 'x.localhost', '/api/v1'), 'default/bb:80');
  assert.equal(hit(table, 'x.localhost', '/api/'), 'default/bb:80');
  assert.equal(hit(table, 'x.localhost', '/apix'), 'default/a:80');
});

test('hosts: exact, one-label wildcard, host-less rules, then the default backend; ports and case ignored', () => {
  const { table } = buildRouteTable({
    ingresses: [
      ing('i', {
        defaultBackend: backend('ccc', 'http'),
        rules: [
          rule('Web.localhost', [['/', 'Prefix', 'a']]),
          rule('*.example.com', [['/', 'Prefix', 'bb']]),
          rule(undefined, [['/x', 'Exact', 'a']]),
        ],
      }),
    ],
    services,
    routes,
  });
  assert.equal(hit(table, 'WEB.localhost:8080', '/z'), 'default/a:80');
  assert.equal(hit(table, 'web.localhost.', '/z'), 'default/a:80');
  assert.equal(hit(table, 'foo.example.com', '/'), 'default/bb:80');
  assert.equal(hit(table, 'a.foo.example.com', '/'), 'default/ccc:http', 'a wildcard covers one label only');
  assert.equal(hit(table, 'example.com', '/'), 'default/ccc:http');
  assert.equal(hit(table, 'other', '/x'), 'default/a:80');
  const noDefault = buildRouteTable({
    ingresses: [ing('i', { rules: [rule('web.localhost', [['/', 'Prefix', 'a']])] })],
    services,
    routes,
  });
  assert.equal(hit(noDefault.table, 'other.localhost', '/'), undefined);
});

test('the oldest Ingress keeps a host and path; backends carry ready endpoints and problems', () => {
  const { table, problems } = buildRouteTable({
    ingresses: [
      ing('new', { rules: [rule('x.localhost', [['/', 'Prefix', 'bb']])] }, '2026-02-01T00:00:00Z'),
      ing('old', { rules: [rule('x.localhost', [['/', 'Prefix', 'a']])] }, '2026-01-01T00:00:00Z'),
      ing('bad', { rules: [rule('y.localhost', [['/', 'Prefix', 'missing']]), rule('z.localhost', [['/', 'Prefix', 'ccc']])] }),
      ing('port', { rules: [{ host: 'p.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('a', 81) }] } }] }),
    ],
    services,
    routes,
  });
  const m = matchRoute(table, 'x.localhost', '/');
  assert.equal(m?.ingress, 'default/old');
  assert.deepEqual(m?.backend.endpoints, [{ ip: '10.1.0.1', port: 8080 }]);
  assert.equal(m?.backend.clusterIP, '10.0.0.1');
  assert.match(matchRoute(table, 'y.localhost', '/')!.backend.problem!, /Service default\/missing not found/);
  assert.deepEqual(matchRoute(table, 'z.localhost', '/')!.backend.endpoints, []);
  assert.deepEqual(
    problems.map((p) => `${p.ingress} ${p.reason}`),
    ['default/bad ServiceNotFound', 'default/port ServicePortNotFound'],
  );
});

test('skiff-*.localhost hosts are never routed', () => {
  assert.ok(isReservedHost('skiff-x.localhost'));
  assert.ok(isReservedHost('a.skiff-app.localhost.'));
  assert.ok(!isReservedHost('skiff.localhost'));
  assert.ok(!isReservedHost('web.localhost'));
  const { table, problems } = buildRouteTable({
    ingresses: [ing('i', { rules: [rule('skiff-x.localhost', [['/', 'Prefix', 'a']])] })],
    services,
    routes,
  });
  assert.equal(table.hosts.size, 0);
  assert.equal(problems[0].reason, 'ReservedHost');
  assert.equal(normalizeHost('[::1]:80'), '[::1]');
});

test('hosts with TLS are HTTPS-only unless ssl-redirect is "false"; force-ssl-redirect forces it', () => {
  const withTls = (name: string, host: string, annotations: Record<string, string> = {}, tls = true): KubeObject => ({
    metadata: { namespace: 'default', name, annotations, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { ...(tls ? { tls: [{ hosts: [host] }] } : {}), rules: [rule(host, [['/', 'Prefix', 'a']])] },
  });
  const { table } = buildRouteTable({
    ingresses: [
      withTls('a', 'a.localhost'),
      withTls('b', 'b.localhost', { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' }),
      withTls('c', 'c.localhost', { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' }, false),
      withTls('d', 'd.localhost', {}, false),
    ],
    services,
    routes,
  });
  assert.equal(matchRoute(table, 'a.localhost', '/')?.httpsOnly, true);
  assert.equal(matchRoute(table, 'b.localhost', '/')?.httpsOnly, undefined);
  assert.equal(matchRoute(table, 'c.localhost', '/')?.httpsOnly, true);
  assert.equal(matchRoute(table, 'd.localhost', '/')?.httpsOnly, undefined);
});
