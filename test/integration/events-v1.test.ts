// events.k8s.io/v1 Events share core/v1 Events' storage: written through one API, read through
// the other with upstream's field mapping; strict validation for new-API writers; kubectl lists
// them through either (plain `events` stays core/v1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCrdFixture, type CrdFixture } from './crd-fixture';

let c: CrdFixture;
before(async () => {
  c = await startCrdFixture();
});
after(async () => {
  await c?.close();
});

const eventTime = '2026-01-02T03:04:05.123456Z';
const regarding = { kind: 'Pod', namespace: 'default', name: 'web-0', apiVersion: 'v1' };

test('created through events.k8s.io/v1, read through core/v1', async () => {
  const r = await c.http('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'new-api' },
    eventTime,
    reportingController: 'skiff.dev/test',
    reportingInstance: 'test-1',
    action: 'Scheduling',
    reason: 'Scheduled',
    regarding,
    related: { kind: 'Node', name: 'n1' },
    note: 'placed on n1',
    type: 'Normal',
    series: { count: 2, lastObservedTime: eventTime },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.apiVersion, 'events.k8s.io/v1');
  assert.equal(r.body.note, 'placed on n1');
  const core = await c.http('GET', '/api/v1/namespaces/default/events/new-api');
  assert.equal(core.status, 200);
  const e = core.body;
  assert.equal(e.apiVersion, 'v1');
  assert.equal(e.message, 'placed on n1');
  assert.deepEqual(e.involvedObject, regarding);
  assert.deepEqual(e.related, { kind: 'Node', name: 'n1' });
  assert.equal(e.reportingComponent, 'skiff.dev/test');
  assert.equal(e.reportingInstance, 'test-1');
  assert.equal(e.action, 'Scheduling');
  assert.equal(e.eventTime, eventTime);
  assert.deepEqual(e.series, { count: 2, lastObservedTime: eventTime });
  assert.equal(e.note, undefined);
  assert.equal(e.metadata.resourceVersion, r.body.metadata.resourceVersion);
  // Listed through core/v1 as well (one key space).
  const list = await c.http('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb-0');
  assert.deepEqual(
    list.body.items.map((i: any) => i.metadata.name),
    ['new-api'],
  );
});

test('created through core/v1, read and listed through events.k8s.io/v1', async () => {
  const r = await c.http('POST', '/api/v1/namespaces/default/events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'old-api' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' },
    reason: 'Pulled',
    message: 'image pulled',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2026-01-02T03:04:05Z',
    lastTimestamp: '2026-01-02T03:05:05Z',
    count: 3,
    type: 'Normal',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const g = await c.http('GET', '/apis/events.k8s.io/v1/namespaces/default/events/old-api');
  assert.equal(g.status, 200);
  const e = g.body;
  assert.equal(e.apiVersion, 'events.k8s.io/v1');
  assert.equal(e.note, 'image pulled');
  assert.deepEqual(e.regarding, { kind: 'Pod', namespace: 'default', name: 'web-1' });
  assert.deepEqual(e.deprecatedSource, { component: 'kubelet', host: 'n1' });
  assert.equal(e.deprecatedFirstTimestamp, '2026-01-02T03:04:05Z');
  assert.equal(e.deprecatedLastTimestamp, '2026-01-02T03:05:05Z');
  assert.equal(e.deprecatedCount, 3);
  assert.equal(e.message, undefined);
  assert.equal(e.involvedObject, undefined);
  const list = await c.http('GET', '/apis/events.k8s.io/v1/namespaces/default/events');
  assert.equal(list.body.kind, 'EventList');
  assert.equal(list.body.apiVersion, 'events.k8s.io/v1');
  const names = list.body.items.map((i: any) => i.metadata.name).sort();
  assert.deepEqual(names, ['new-api', 'old-api']);
  assert.ok(list.body.items.every((i: any) => i.apiVersion === 'events.k8s.io/v1' && i.message === undefined));
  // An update through the new API keeps the stored object the old API reads.
  const put = await c.http('PUT', '/apis/events.k8s.io/v1/namespaces/default/events/old-api', {
    ...e,
    note: 'image pulled again',
    reportingController: 'kubelet',
    reportingInstance: 'n1',
    action: 'Pull',
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const back = await c.http('GET', '/api/v1/namespaces/default/events/old-api');
  assert.equal(back.body.message, 'image pulled again');
  assert.equal(back.body.count, 3);
  assert.deepEqual(back.body.source, { component: 'kubelet', host: 'n1' });
});

test('writes through events.k8s.io/v1 are validated as upstream does', async () => {
  const r = await c.http('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'bad' },
    type: 'Odd',
    deprecatedCount: 4,
  });
  assert.equal(r.status, 422);
  const fields = r.body.details.causes.map((x: any) => x.field);
  for (const f of ['reportingController', 'reportingInstance', 'action', 'reason', 'eventTime', 'type', 'deprecatedCount']) {
    assert.ok(fields.includes(f), `${f} in ${fields.join(',')}`);
  }
  assert.match(r.body.message, /Event.events.k8s.io "bad" is invalid/);
});

test('kubectl get events.v1.events.k8s.io lists both, with the events columns', async () => {
  for (const version of ['1.27', '1.33']) {
    const r = await c.kubectl(version, ['get', 'events.v1.events.k8s.io', '-n', 'default']);
    assert.equal(r.code, 0, r.stderr);
    const [head, ...rows] = r.stdout.trim().split('\n');
    assert.deepEqual(head.split(/\s+/), ['LAST', 'SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.ok(
      rows.some((l) => /Scheduled\s+pod\/web-0\s+placed on n1/.test(l)),
      r.stdout,
    );
    assert.ok(
      rows.some((l) => /Pulled\s+pod\/web-1\s+image pulled again/.test(l)),
      r.stdout,
    );
    const wide = await c.kubectl(version, ['get', 'events.events.k8s.io', '-n', 'default', '-o', 'wide']);
    assert.match(wide.stdout, /kubelet, n1/);
    // Plain `events` still means core/v1 (the legacy group wins), listing the same objects.
    const plain = await c.kubectl(version, ['get', 'events', '-n', 'default', '-v=6']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /https:\/\/[^ ]+\/api\/v1\/namespaces\/default\/events\?limit/);
    assert.match(plain.stdout, /Scheduled\s+pod\/web-0\s+placed on n1/);
  }
});
