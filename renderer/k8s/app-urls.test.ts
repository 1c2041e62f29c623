import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRouteUrls, ingressUrls, parentGateways, readyByService } from './app-urls';
import type { KubeObject } from './types';

const ingress = (spec: unknown, status?: unknown): KubeObject => ({
  kind: 'Ingress',
  metadata: { name: 'i', namespace: 'default' },
  spec,
  status,
});
const urls = (list: { url: string }[]) => list.map((u) => u.url);

test('ingress: each host and path on the local ingress ports; TLS hosts on HTTPS; standard ports left out', () => {
  const ing = ingress({
    tls: [{ hosts: ['secure.localhost'] }],
    rules: [
      {
        host: 'web.localhost',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
      },
      {
        host: 'web.localhost',
        http: { paths: [{ path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } }] },
      },
      {
        host: 'secure.localhost',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 443 } } } }] },
      },
    ],
  });
  const got = ingressUrls(ing, { http: 8080, https: 8443 });
  assert.deepEqual(urls(got), ['http://web.localhost:8080/', 'http://web.localhost:8080/api', 'https://secure.localhost:8443/']);
  assert.deepEqual(
    got.map((u) => u.backend),
    ['web:80', 'api:http', 's:443'],
  );
  assert.deepEqual(urls(ingressUrls(ing, { http: 80, https: 443 })), [
    'http://web.localhost/',
    'http://web.localhost/api',
    'https://secure.localhost/',
  ]);
});

test('ingress: no host → the status address (or 127.0.0.1 locally); wildcards, regexes and a missing listener handled', () => {
  const ing = ingress(
    {
      rules: [
        { http: { paths: [{ path: '/x(/|$)(.*)', pathType: 'ImplementationSpecific' }] } },
        { host: '*.apps.localhost', http: { paths: [{ path: '/', pathType: 'Prefix' }] } },
      ],
    },
    { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
  );
  assert.deepEqual(urls(ingressUrls(ing, { http: 8080 })), ['http://127.0.0.1:8080/']);
  assert.deepEqual(urls(ingressUrls(ingress({ defaultBackend: { service: { name: 'd', port: { number: 80 } } } }), { http: 9000 })), [
    'http://127.0.0.1:9000/',
  ]);
  // Not a local cluster and no address yet: nothing to open.
  assert.deepEqual(urls(ingressUrls(ingress({ defaultBackend: { service: { name: 'd' } } }), undefined)), []);
  // TLS host while the HTTPS listener is not up: no link rather than a wrong one.
  assert.deepEqual(urls(ingressUrls(ingress({ tls: [{ hosts: ['a.localhost'] }], rules: [{ host: 'a.localhost' }] }), { http: 8080 })), []);
});

const gateway = (listeners: unknown[]): KubeObject => ({
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'infra' },
  spec: { listeners },
});
const route = (spec: unknown): KubeObject => ({ kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'apps' }, spec });

test('HTTPRoute: hostnames under the parent listeners, HTTP and HTTPS on the ingress ports, sectionName respected', () => {
  const gws = new Map([
    [
      'infra/gw',
      gateway([
        { name: 'web', protocol: 'HTTP', port: 80, hostname: '*.localhost' },
        { name: 'tls', protocol: 'HTTPS', port: 443 },
      ]),
    ],
  ]);
  const r = route({
    parentRefs: [{ name: 'gw', namespace: 'infra' }],
    hostnames: ['shop.localhost', 'shop.example.com'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/cart' } }], backendRefs: [{ name: 'cart', port: 8080 }] }],
  });
  assert.deepEqual(parentGateways(r), ['infra/gw']);
  assert.deepEqual(urls(httpRouteUrls(r, gws, { http: 8080, https: 8443 })), [
    'http://shop.localhost:8080/cart',
    'https://shop.localhost:8443/cart',
    'https://shop.example.com:8443/cart',
  ]);
  const onlyTls = route({ parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'tls' }], hostnames: ['a.localhost'] });
  assert.deepEqual(urls(httpRouteUrls(onlyTls, gws, { http: 8080, https: 8443 })), ['https://a.localhost:8443/']);
  // Elsewhere: the listener's own port.
  assert.deepEqual(urls(httpRouteUrls(onlyTls, gws, undefined)), ['https://a.localhost/']);
  // A parent not read (yet): nothing.
  assert.deepEqual(urls(httpRouteUrls(r, new Map(), { http: 8080 })), []);
});

test('HTTPRoute: a listener with a port of its own links that port; one its Gateway reports not Programmed links none', () => {
  const gw = gateway([
    { name: 'web', protocol: 'HTTP', port: 80 },
    { name: 'alt', protocol: 'HTTP', port: 9090 },
    { name: 'alts', protocol: 'HTTPS', port: 9443 },
    { name: 'same', protocol: 'HTTP', port: 8080 },
    { name: 'busy', protocol: 'HTTP', port: 9091 },
  ]);
  const programmed = (name: string, ok: boolean) => ({ name, conditions: [{ type: 'Programmed', status: ok ? 'True' : 'False' }] });
  gw.status = { listeners: [programmed('web', true), programmed('alt', true), programmed('busy', false)] };
  const gws = new Map([['infra/gw', gw]]);
  const r = route({ parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['shop.localhost'] });
  assert.deepEqual(urls(httpRouteUrls(r, gws, { http: 8080, https: 8443 })), [
    'http://shop.localhost:8080/',
    'http://shop.localhost:9090/',
    'https://shop.localhost:9443/',
  ]);
  // A parentRef's port picks the listener; the link carries that listener's own port.
  const byPort = route({ parentRefs: [{ name: 'gw', namespace: 'infra', port: 9090 }], hostnames: ['shop.localhost'] });
  assert.deepEqual(urls(httpRouteUrls(byPort, gws, { http: 8080, https: 8443 })), ['http://shop.localhost:9090/']);
  // Elsewhere every listener on its own port, and the one not Programmed still left out.
  assert.deepEqual(urls(httpRouteUrls(r, gws, undefined)), [
    'http://shop.localhost/',
    'http://shop.localhost:9090/',
    'https://shop.localhost:9443/',
    'http://shop.localhost:8080/',
  ]);
});

test('backends: ready endpoints counted per Service over its slices', () => {
  const slice = (svc: string, ready: (boolean | undefined)[]): KubeObject => ({
    metadata: { name: `${svc}-x`, labels: { 'kubernetes.io/service-name': svc } },
    endpoints: ready.map((r) => ({ addresses: ['10.0.0.1'], conditions: r === undefined ? {} : { ready: r } })),
  });
  const m = readyByService([slice('web', [true, false]), slice('web', [undefined]), slice('api', [])]);
  assert.deepEqual(m.get('web'), { ready: 2, total: 3 });
  assert.deepEqual(m.get('api'), { ready: 0, total: 0 });
  assert.equal(m.get('other'), undefined);
});
