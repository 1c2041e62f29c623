import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubeProtobuf, createKubeProtobufDecoder, isKubeProtobuf, ProtobufFormatError, UnsupportedProtobufError } from './index';
import { createSchemas } from './schema';
import { envelope, msg, str, bytes, varint, entry, varintBytes } from './testing/encoder';

const meta = (...f: Buffer[]) => msg(1, ...f);

describe('decodeKubeProtobuf', () => {
  test('ConfigMap: maps, bytes as base64, empty strings dropped, zero Time is null', () => {
    const body = envelope(
      'v1',
      'ConfigMap',
      meta(str(1, 'cfg'), str(2, ''), str(3, 'default'), msg(8), entry(11, 'app', 'web')),
      entry(2, 'a', 'b'),
      entry(2, 'empty', ''),
      msg(3, str(1, 'bin'), bytes(2, Buffer.from([0, 1, 2, 255]))),
      varint(4, false),
    );
    const out = decodeKubeProtobuf(body);
    assert.equal(out.apiVersion, 'v1');
    assert.equal(out.kind, 'ConfigMap');
    assert.deepEqual(out.object, {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'cfg', namespace: 'default', creationTimestamp: null, labels: { app: 'web' } },
      data: { a: 'b', empty: '' },
      binaryData: { bin: 'AAEC/w==' },
      immutable: false,
    });
  });

  test('Deployment: pointer zero kept, IntOrString, Quantity, Time, repeated messages', () => {
    const container = msg(
      2,
      str(1, 'web'),
      str(2, 'nginx'),
      msg(8, msg(1, str(1, 'cpu'), msg(2, str(1, '500m')))),
      msg(6, str(1, 'http'), varint(3, 8080), str(4, 'TCP')),
    );
    const body = envelope(
      'apps/v1',
      'Deployment',
      meta(str(1, 'd'), msg(8, varint(1, 1700000000), varint(2, 123))),
      msg(
        2,
        varint(1, 0),
        msg(2, entry(1, 'app', 'd')),
        msg(3, meta(entry(11, 'app', 'd')), msg(2, container)),
        msg(4, str(1, 'RollingUpdate'), msg(2, msg(1, varint(1, 0), varint(2, 1)), msg(2, varint(1, 1), str(3, '25%')))),
      ),
      msg(3),
    );
    const { object } = decodeKubeProtobuf(body);
    assert.deepEqual(object.metadata, { name: 'd', creationTimestamp: '2023-11-14T22:13:20Z' });
    assert.equal(object.spec.replicas, 0);
    assert.deepEqual(object.spec.selector, { matchLabels: { app: 'd' } });
    assert.deepEqual(object.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } });
    assert.deepEqual(object.spec.template.spec.containers, [
      {
        name: 'web',
        image: 'nginx',
        resources: { limits: { cpu: '500m' } },
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      },
    ]);
    assert.deepEqual(object.status, {});
  });

  test('embedded structs are flattened the way JSON inlines them', () => {
    const probe = msg(10, msg(1, msg(2, str(1, '/healthz'), msg(2, varint(1, 1), str(3, 'http')))), varint(2, 5));
    const envFrom = msg(19, msg(2, msg(1, str(1, 'settings'))));
    const pod = envelope(
      'v1',
      'Pod',
      meta(str(1, 'p')),
      msg(2, msg(1, str(1, 'data'), msg(2, msg(2, str(1, 'Memory')))), msg(2, str(1, 'c'), probe, envFrom)),
    );
    const { object } = decodeKubeProtobuf(pod);
    assert.deepEqual(object.spec.volumes, [{ name: 'data', emptyDir: { medium: 'Memory' } }]);
    const c = object.spec.containers[0];
    assert.deepEqual(c.livenessProbe, { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 });
    assert.deepEqual(c.envFrom, [{ configMapRef: { name: 'settings' } }]);
  });

  test('fields renamed for JSON, string-list wrappers and maps of messages', () => {
    const token = envelope(
      'authentication.k8s.io/v1',
      'TokenRequest',
      meta(str(1, 'sa')),
      msg(2, str(1, 'api'), varint(4, 3600), msg(3, str(1, 'Pod'), str(2, 'v1'), str(3, 'p'), str(4, 'uid-1'))),
    );
    assert.deepEqual(decodeKubeProtobuf(token).object.spec, {
      audiences: ['api'],
      expirationSeconds: 3600,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'uid-1' },
    });

    const sar = envelope(
      'authorization.k8s.io/v1',
      'SubjectAccessReview',
      meta(),
      msg(
        2,
        msg(1, str(2, 'get'), str(5, 'pods')),
        str(3, 'alice'),
        str(4, 'dev'),
        str(4, 'ops'),
        msg(5, str(1, 'scopes'), msg(2, str(1, 'a'), str(1, 'b'))),
      ),
    );
    assert.deepEqual(decodeKubeProtobuf(sar).object.spec, {
      resourceAttributes: { verb: 'get', resource: 'pods' },
      user: 'alice',
      groups: ['dev', 'ops'],
      extra: { scopes: ['a', 'b'] },
    });
  });

  test('map keys are plain data, even "__proto__"', () => {
    const { object } = decodeKubeProtobuf(envelope('v1', 'ConfigMap', meta(str(1, 'x')), entry(2, '__proto__', 'v')));
    assert.deepEqual(Object.keys(object.data), ['__proto__']);
    assert.equal(Object.getPrototypeOf(object.data), Object.prototype);
    assert.deepEqual(object.data, JSON.parse('{"__proto__":"v"}'));
  });

  test('RawExtension holds JSON; unknown field numbers are skipped', () => {
    const body = envelope(
      'apps/v1',
      'ControllerRevision',
      meta(str(1, 'r'), str(99, 'future')),
      msg(2, bytes(1, Buffer.from('{"spec":{"x":1}}'))),
      varint(3, 2),
      varint(77, 5),
    );
    assert.deepEqual(decodeKubeProtobuf(body).object, {
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: { name: 'r' },
      data: { spec: { x: 1 } },
      revision: 2,
    });
  });

  test('DeleteOptions under any group, Eviction with nested options, int64 and negative values', () => {
    const del = envelope('apps/v1', 'DeleteOptions', varint(1, 0), str(4, 'Foreground'), str(5, 'All'));
    assert.deepEqual(decodeKubeProtobuf(del).object, {
      kind: 'DeleteOptions',
      apiVersion: 'apps/v1',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
    const ev = envelope('policy/v1', 'Eviction', meta(str(1, 'p'), str(3, 'ns')), msg(2, varint(1, -1n), msg(2, str(1, 'u1'))));
    assert.deepEqual(decodeKubeProtobuf(ev).object, {
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p', namespace: 'ns' },
      deleteOptions: { gracePeriodSeconds: -1, preconditions: { uid: 'u1' } },
    });
  });

  test('MicroTime keeps microseconds; Duration prints like Go', () => {
    const lease = envelope(
      'coordination.k8s.io/v1',
      'Lease',
      meta(str(1, 'l')),
      msg(2, str(1, 'me'), varint(2, 40), msg(4, varint(1, 1700000000), varint(2, 123456789))),
    );
    assert.deepEqual(decodeKubeProtobuf(lease).object.spec, {
      holderIdentity: 'me',
      leaseDurationSeconds: 40,
      renewTime: '2023-11-14T22:13:20.123456Z',
    });

    const decode = createKubeProtobufDecoder(
      createSchemas({
        'k8s.io.api.test.v1.Thing': 'd=1:k8s.io.apimachinery.pkg.apis.meta.v1.Duration* n=2:int32 p=3:int32*',
      }),
    );
    const cases: Array<[bigint, string]> = [
      [0n, '0s'],
      [300_000_000_000n, '5m0s'],
      [1_500_000_000n, '1.5s'],
      [3_723_004_000_000n, '1h2m3.004s'],
      [250_000_000n, '250ms'],
      [1_500n, '1.5µs'],
      [7n, '7ns'],
      [-2_000_000_000n, '-2s'],
    ];
    const body = envelope(
      'test/v1',
      'Thing',
      ...cases.map(([ns]) => msg(1, varint(1, ns))),
      varint(2, -5),
      bytes(3, Buffer.concat([varintBytes(1), varintBytes(300), varintBytes(-1)])),
    );
    const { object } = decode(body);
    assert.deepEqual(
      object.d,
      cases.map(([, s]) => s),
    );
    assert.equal(object.n, -5);
    assert.deepEqual(object.p, [1, 300, -1], 'packed repeated numbers are accepted');
  });

  test('malformed and unsupported bodies fail with clear errors', () => {
    assert.equal(isKubeProtobuf(Buffer.from('{"kind":"Pod"}')), false);
    assert.throws(() => decodeKubeProtobuf(Buffer.from('{"kind":"Pod"}')), ProtobufFormatError);
    assert.throws(() => decodeKubeProtobuf(Buffer.from('k8s\0', 'latin1')), /empty protobuf body/);
    assert.throws(
      () => decodeKubeProtobuf(envelope('example.com/v1', 'Widget', meta())),
      (e: Error) => e instanceof UnsupportedProtobufError && /example\.com\/v1 Widget are not supported/.test(e.message),
    );
    const good = envelope('v1', 'ConfigMap', meta(str(1, 'cfg')));
    assert.throws(() => decodeKubeProtobuf(good.subarray(0, good.length - 2)), ProtobufFormatError);
    assert.throws(
      () => decodeKubeProtobuf(envelope('v1', 'ConfigMap', varint(1, 3))),
      /ConfigMap\.metadata: a message field cannot arrive as varint/,
    );
    assert.throws(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', meta(varint(1, 7)))), /a string field cannot arrive as varint/);
    const noKind = Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, str(1, 'v1'))]);
    assert.throws(() => decodeKubeProtobuf(noKind), /carries no kind/);
  });
});
