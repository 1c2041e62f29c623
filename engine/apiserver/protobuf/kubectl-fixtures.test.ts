// Real request bodies: each <name>.pb is what kubectl 1.33.1 POSTed as protobuf, and <name>.json
// what kubectl 1.31.9 POSTed as JSON for the same command (see testdata/README.md).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { decodeKubeProtobuf } from './index';

const dir = new URL('./testdata/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir));
const pairs = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

/** Paths where a and b differ, except JSON's null for a nil field that protobuf simply leaves out. */
function differences(decoded: any, json: any, path = '', out: string[] = []): string[] {
  if (isDeepStrictEqual(decoded, json)) return out;
  if (decoded === undefined && json === null) return out;
  const bothObjects =
    decoded && json && typeof decoded === 'object' && typeof json === 'object' && Array.isArray(decoded) === Array.isArray(json);
  if (!bothObjects) {
    out.push(`${path || '.'}: protobuf gave ${JSON.stringify(decoded)}, JSON has ${JSON.stringify(json)}`);
    return out;
  }
  for (const k of new Set([...Object.keys(decoded), ...Object.keys(json)])) differences(decoded[k], json[k], `${path}.${k}`, out);
  return out;
}

describe('kubectl 1.33 protobuf bodies decode to what kubectl 1.31 sends as JSON', () => {
  test('fixtures are present', () => {
    assert.ok(pairs.length >= 25, `found ${pairs.length} fixture pairs`);
  });

  for (const name of pairs) {
    test(name, () => {
      const json = JSON.parse(read(`${name}.json`).toString('utf8'));
      const decoded = decodeKubeProtobuf(read(`${name}.pb`));
      assert.equal(decoded.apiVersion, json.apiVersion);
      assert.equal(decoded.kind, json.kind);
      assert.deepEqual(differences(decoded.object, json), []);
    });
  }

  test('autoscaling/v2 HPA (kubectl 1.33 autoscale tries v2 first; 1.31 sends only v1)', () => {
    const { object } = decodeKubeProtobuf(read('hpa-autoscaling-v2.pb'));
    assert.equal(object.apiVersion, 'autoscaling/v2');
    assert.deepEqual(object.spec, {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
  });

  test('spot checks of the trickier conversions', () => {
    const cm = decodeKubeProtobuf(read('configmap-from-file.pb')).object;
    assert.equal(cm.binaryData['blob.bin'], Buffer.from([0, 1, 2, 0xff, 0xfe]).toString('base64'));
    const zero = decodeKubeProtobuf(read('deployment-zero-replicas.pb')).object;
    assert.equal(zero.spec.replicas, 0, 'a pointer field set to 0 survives');
    assert.equal('paused' in zero.spec, false, 'a non-pointer omitempty false is dropped');
    const ing = decodeKubeProtobuf(read('ingress.pb')).object;
    assert.deepEqual(ing.spec.rules[1].http.paths[0].backend.service.port, { name: 'http' }, 'no number: 0 next to a port name');
    const ssar = decodeKubeProtobuf(read('selfsubjectaccessreview.pb')).object;
    assert.equal(ssar.status.allowed, false, 'a non-omitempty false is kept');
  });
});
