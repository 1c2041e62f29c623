import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { chartFiles, decodeRecord, newestRecord, safeChartPath, type ReleaseRecord } from './release-chart';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A release Secret as Helm writes it: the API's base64 of Helm's base64 of gzip of the JSON. */
function secret(version: number, rec: ReleaseRecord) {
  const helmText = gzipSync(Buffer.from(JSON.stringify(rec))).toString('base64');
  return {
    metadata: { name: `sh.helm.release.v1.web.v${version}`, labels: { owner: 'helm', name: 'web', version: String(version) } },
    data: { release: b64(helmText) },
  };
}

const record: ReleaseRecord = {
  name: 'web',
  version: 2,
  chart: {
    metadata: { apiVersion: 'v2', name: 'demo', version: '0.1.0', appVersion: '1.16.0' },
    values: { replicaCount: 1, service: { port: 80 } },
    schema: b64('{"type":"object"}'),
    templates: [
      { name: 'templates/deployment.yaml', data: b64('kind: Deployment') },
      { name: 'templates/_helpers.tpl', data: b64('{{- define "x" -}}{{- end -}}') },
    ],
    files: [{ name: '.helmignore', data: b64('.git') }],
  },
};

test("a release record's chart becomes the files helm upgrades from; the newest record is used", () => {
  const newest = newestRecord([secret(1, { ...record, version: 1 }), secret(2, record), { metadata: { labels: { version: 'x' } } }]);
  assert.equal(newest?.metadata?.name, 'sh.helm.release.v1.web.v2');
  assert.ok(newest);
  const files = chartFiles(decodeRecord(newest));
  const byPath = new Map(files.map((f) => [f.path, f.data.toString()]));
  assert.deepEqual([...byPath.keys()].sort(), [
    '.helmignore',
    'Chart.yaml',
    'templates/_helpers.tpl',
    'templates/deployment.yaml',
    'values.schema.json',
    'values.yaml',
  ]);
  assert.match(byPath.get('Chart.yaml')!, /^apiVersion: v2\nname: demo\nversion: 0\.1\.0\nappVersion: 1\.16\.0\n$/);
  assert.match(byPath.get('values.yaml')!, /replicaCount: 1\nservice:\n {2}port: 80/);
  assert.equal(byPath.get('templates/deployment.yaml'), 'kind: Deployment');
});

test('attack: a record naming files outside the chart directory is refused, as are subcharts', () => {
  for (const name of ['../../.bashrc', 'templates/../../x', '/etc/passwd', 'templates//x', './x', 'a\\..\\b', '', 'x\0y'])
    assert.throws(
      () => chartFiles({ chart: { ...record.chart, templates: [{ name, data: b64('x') }] } }),
      /outside its directory/,
      JSON.stringify(name),
    );
  assert.throws(() => safeChartPath(undefined), /outside its directory/);
  assert.throws(
    () => chartFiles({ chart: { ...record.chart, metadata: { name: 'umbrella', dependencies: [{ name: 'redis' }] } } }),
    /has subcharts, which Helm does not keep in its release records/,
  );
  assert.throws(() => chartFiles({}), /holds no chart/);
});
