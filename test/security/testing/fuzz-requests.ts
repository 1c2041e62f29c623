// Seeded malformed requests for the API server: paths, queries, bodies (JSON, YAML, patches,
// protobuf, bytes), methods and headers, mixed from a vocabulary of what has broken servers
// before (deep nesting, int64 overflow, bad escapes, prototype keys, wrong types). Pure.
import { envelope, msg, str, varint } from '../../../engine/apiserver/protobuf/testing/encoder';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** mulberry32: small, fast and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'PATCH', 'DELETE', 'DELETE', 'HEAD', 'OPTIONS'];
const SEGMENTS = [
  'api',
  'apis',
  'v1',
  'v2',
  'apps',
  'batch',
  'namespaces',
  'default',
  'kube-system',
  'pods',
  'configmaps',
  'secrets',
  'services',
  'deployments',
  'endpointslices',
  'discovery.k8s.io',
  'customresourcedefinitions',
  'apiextensions.k8s.io',
  'status',
  'scale',
  'log',
  'exec',
  'attach',
  'portforward',
  'proxy',
  'binding',
  'eviction',
  'finalize',
  'ephemeralcontainers',
  'watch',
  'openapi',
  'v3',
  'version',
  'healthz',
  'readyz',
  'metrics.k8s.io',
  'v1beta1',
  'nodes',
  'x',
  'fuzz',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2F',
  '..',
  '.',
  '',
  '~',
  'a'.repeat(300),
  '\u00e9',
  '%F0%9F%92%A9',
  '*',
  '$',
  ';',
  ':',
];
const QUERY_KEYS = [
  'limit',
  'continue',
  'watch',
  'resourceVersion',
  'resourceVersionMatch',
  'labelSelector',
  'fieldSelector',
  'timeoutSeconds',
  'gracePeriodSeconds',
  'propagationPolicy',
  'orphanDependents',
  'dryRun',
  'fieldValidation',
  'fieldManager',
  'includeObject',
  'container',
  'tailLines',
  'sinceSeconds',
  'sinceTime',
  'limitBytes',
  'follow',
  'previous',
  'timestamps',
  'pretty',
  'allowWatchBookmarks',
  'sendInitialEvents',
  'hash',
  'command',
  'stdin',
  'tty',
  'ports',
  'force',
];
const QUERY_VALUES = [
  '99999999999999999999',
  '-99999999999999999999',
  '9223372036854775807',
  '-9223372036854775808',
  '1e400',
  '-1',
  '0',
  '1.5',
  '0x10',
  'NaN',
  'Infinity',
  '',
  'true',
  'false',
  'All',
  'Strict',
  'Object',
  'garbage',
  'a in (',
  'a=,b',
  '!!!',
  '==',
  'metadata.name=x',
  'spec.nope=1',
  'Orphan',
  'Explode',
  '%',
  '%zz',
  '2026-13-45T99:99:99Z',
  'x'.repeat(2000),
  '\u0000',
  'Z2FyYmFnZQ',
  'eyJ2Ijoic2tpZmYvMSJ9',
  '[]',
  '{}',
  '1000000',
  '5',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
  '\u00ff/\u00ff',
];
const ACCEPTS = [
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v9;g=meta.k8s.io',
  'application/vnd.kubernetes.protobuf',
  'application/yaml',
  '*/*',
  'text/html',
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  ';;;',
  '',
];
// JSON texts, parsed afresh at each use: no value is shared, and `__proto__` stays an own key.
const WEIRD_VALUES: string[] = [
  'null',
  'true',
  '-1',
  '0',
  '1e308',
  '-1e308',
  '9007199254740993',
  '"x"',
  '""',
  '[]',
  '{}',
  '[null]',
  '{"$ref":"#"}',
  JSON.stringify('a'.repeat(5000)),
  '"\\u0000\\ud800"',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '"1e400"',
  '"127.0.0.1"',
  '"../../etc/passwd"',
];

export function createFuzzer(seed: number) {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => rnd() < p;
  const weird = (): unknown => JSON.parse(pick(WEIRD_VALUES));

  function path(): string {
    if (chance(0.5)) {
      // Mostly well-formed resource paths, so the handlers behind routing get exercised.
      const ns = pick(['default', 'kube-system', 'fuzz', '%zz', '..', 'a'.repeat(80)]);
      const base = pick([
        `/api/v1/namespaces/${ns}/configmaps`,
        `/api/v1/namespaces/${ns}/pods`,
        `/api/v1/namespaces/${ns}/services`,
        `/api/v1/namespaces/${ns}/secrets`,
        `/apis/apps/v1/namespaces/${ns}/deployments`,
        `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
        `/api/v1/namespaces/${ns}/endpoints`,
        '/api/v1/namespaces',
        '/api/v1/nodes',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        '/apis/metrics.k8s.io/v1beta1/pods',
      ]);
      // (Not `default`: deleting that namespace would turn every later create into a 403.)
      const name = chance(0.6) ? `/${pick(['fuzz', 'kubernetes', 'x', '%', 'a'.repeat(300), 'fuzz-1', '..'])}` : '';
      const sub =
        name && chance(0.3) ? `/${pick(['status', 'scale', 'log', 'exec', 'binding', 'eviction', 'proxy', 'finalize', '%zz'])}` : '';
      return base + name + sub;
    }
    const n = 1 + int(7);
    let p = '';
    for (let i = 0; i < n; i++) p += '/' + pick(SEGMENTS);
    return chance(0.1) ? p + '/' : chance(0.05) ? p.replace('/', '//') : p;
  }

  function query(): string {
    if (chance(0.4)) return '';
    const n = 1 + int(4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = pick(QUERY_VALUES);
      parts.push(`${pick(QUERY_KEYS)}=${chance(0.7) ? encodeURIComponent(v) : v.replace(/[\s\u0000-\u001f]/g, '')}`);
    }
    // Watches stream; keep them short.
    return '?' + parts.join('&') + (parts.some((p) => p.startsWith('watch=')) ? '&timeoutSeconds=1' : '');
  }

  function validishObject(): Record<string, any> {
    return pick([
      () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `fuzz-${int(40)}` }, data: { a: 'b' } }),
      () => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `fuzz-${int(40)}` }, stringData: { a: 'b' } }),
      () => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `fuzz-${int(40)}` },
        spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'v', mountPath: '/v', subPath: '../x' }] }] },
      }),
      () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `fuzz-${int(40)}` }, spec: { ports: [{ port: 80 }] } }),
      () => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `fuzz-${int(40)}` },
        addressType: 'IPv4',
        endpoints: [{ addresses: [pick(['127.0.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '10.0.0.1', 'x'])] }],
      }),
      () => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `fuzz-${int(40)}` }, spec: { replicas: 1 } }),
    ])();
  }

  /** Replaces a random value inside `o` with something of the wrong type or shape. */
  function mutate(o: any, rounds: number): any {
    for (let r = 0; r < rounds; r++) {
      let cur = o;
      for (let d = 0; d < 4 && cur && typeof cur === 'object'; d++) {
        const keys = Object.keys(cur);
        if (!keys.length || chance(0.3)) {
          cur[pick(['metadata', 'spec', 'data', 'kind', 'apiVersion', 'status', 'x', '__proto__', 'constructor'])] = weird();
          break;
        }
        const k = pick(keys);
        if (chance(0.4) || !cur[k] || typeof cur[k] !== 'object') {
          cur[k] = weird();
          break;
        }
        cur = cur[k];
      }
    }
    return o;
  }

  function deep(n: number, style: 'json' | 'yaml-flow' | 'yaml-block' | 'object'): string {
    switch (style) {
      case 'json':
        return '{"metadata":{"name":"deep"},"data":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';
      case 'yaml-flow':
        return 'a: ' + '['.repeat(n) + ']'.repeat(n);
      case 'yaml-block':
        return '- '.repeat(n) + 'x';
      case 'object':
        return '['.repeat(n) + ']'.repeat(n);
    }
  }

  function protobuf(): Buffer {
    const choice = int(4);
    if (choice === 0) return Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from(Array.from({ length: int(200) }, () => int(256)))]);
    if (choice === 1)
      return envelope('v1', pick(['ConfigMap', 'Pod', 'Nope', '']), msg(1, str(1, `fuzz-${int(50)}`)), varint(int(30) + 1, int(1e6)));
    if (choice === 2) {
      // Deeply nested length-delimited fields.
      let inner = str(1, 'x');
      for (let i = 0; i < 200 + int(2000); i++) inner = msg(1, inner);
      return envelope('v1', 'ConfigMap', inner);
    }
    // A length prefix that lies.
    return Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01])]);
  }

  function body(type: string): Buffer | undefined {
    const r = int(12);
    if (r === 0) return undefined;
    if (r === 1) return Buffer.from(Array.from({ length: int(500) }, () => int(256)));
    if (r === 2) return Buffer.from(deep(1000 + int(120_000), pick(['json', 'object'] as const)));
    if (r === 3) return Buffer.from(deep(100 + int(40_000), pick(['yaml-flow', 'yaml-block'] as const)));
    if (r === 4) return protobuf();
    if (r === 5) return Buffer.from(JSON.stringify(validishObject()).slice(0, int(80)));
    if (r === 6) {
      const ops = Array.from({ length: 1 + int(3) }, () => ({
        op: pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'explode']),
        path: pick(['/data/a', '/metadata/name', '/spec/-', '/~2', '', '/x/y/z', '/metadata/labels/a~1b', '/__proto__/x']),
        from: pick(['/data', '/metadata', '', '/nope']),
        value: weird(),
      }));
      return Buffer.from(JSON.stringify(ops));
    }
    if (r === 7) return Buffer.from(`{"a": 1e400, "b": -0, "c": 123456789012345678901234567890, "d": "\\ud800", "e": {"a":1,"a":2}}`);
    if (r === 8) return Buffer.from(`metadata:\n  name: &a [*a]\n  x: !!binary AAA\n  y: *nope\n---\n- ? [1,2]\n  : {`);
    const o = mutate(validishObject(), int(4));
    const text = JSON.stringify(o);
    return Buffer.from(type.includes('yaml') && chance(0.5) ? text.replace(/[{}]/g, (c) => (c === '{' ? '{ ' : ' }')) : text);
  }

  function headers(type: string): Record<string, string> {
    const h: Record<string, string> = {};
    if (type) h['Content-Type'] = type;
    if (chance(0.4)) h.Accept = pick(ACCEPTS);
    if (chance(0.05)) h.Authorization = pick(['Bearer ', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'a'.repeat(4000)]);
    if (chance(0.05)) h['Impersonate-User'] = pick(['system:admin', '', 'x']);
    if (chance(0.05)) h['Content-Encoding'] = pick(['gzip', 'br', 'identity']);
    if (chance(0.05)) h['X-Stream-Protocol-Version'] = pick(['v4.channel.k8s.io', 'portforward.k8s.io', 'nope']);
    if (chance(0.05)) h['If-None-Match'] = pick(['"x"', '*', '']);
    if (chance(0.03)) h['X-Huge'] = 'h'.repeat(int(20_000));
    return h;
  }

  const COLLECTIONS: Record<string, string> = {
    ConfigMap: '/api/v1/namespaces/default/configmaps',
    Secret: '/api/v1/namespaces/default/secrets',
    Pod: '/api/v1/namespaces/default/pods',
    Service: '/api/v1/namespaces/default/services',
    EndpointSlice: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    Deployment: '/apis/apps/v1/namespaces/default/deployments',
  };

  /** A create or patch the handlers accept as far as decoding: reaches validation and storage. */
  function targeted(): FuzzRequest {
    const o = mutate(validishObject(), chance(0.4) ? 0 : 1 + int(2));
    const collection = COLLECTIONS[o.kind] ?? COLLECTIONS.ConfigMap;
    if (chance(0.6))
      return { method: 'POST', path: collection, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(o)) };
    const type = pick(['application/merge-patch+json', 'application/strategic-merge-patch+json']);
    const name = typeof o.metadata === 'object' && o.metadata && typeof o.metadata.name === 'string' ? o.metadata.name : 'fuzz-1';
    delete o.kind;
    delete o.apiVersion;
    return {
      method: 'PATCH',
      path: `${collection}/${encodeURIComponent(name.replace(/[\ud800-\udfff]/g, ''))}`,
      headers: { 'Content-Type': type },
      body: Buffer.from(JSON.stringify(o)),
    };
  }

  // Deleting (or finalizing) the namespaces the fuzz works in, or all of them, would turn the rest into 404s.
  const keepNamespace = /^\/+api\/+v1\/+namespaces(\/+(default|kube-system)(\/+(finalize|status))?)?\/*(\?|$)/;

  return function next(): FuzzRequest {
    if (chance(0.35)) return targeted();
    const p = path() + query();
    const method = keepNamespace.test(p) ? 'GET' : pick(METHODS);
    const type = pick(CONTENT_TYPES);
    const withBody = method !== 'GET' && method !== 'HEAD' ? true : chance(0.05);
    return { method, path: p, headers: headers(type), body: withBody ? body(type) : undefined };
  };
}
