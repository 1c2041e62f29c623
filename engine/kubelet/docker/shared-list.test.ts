import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { isUp, matchesLabels, sharedLister } from './shared-list';

const info = (id: string, state: string) => ({ Id: id, State: state, Labels: {} }) as unknown as Docker.ContainerInfo;

/** A listAll whose answers the test releases one by one; each answer is the containers at its start. */
function fakeDocker() {
  const containers: Docker.ContainerInfo[] = [];
  const pending: (() => void)[] = [];
  let started = 0;
  const listAll = () => {
    started++;
    const snapshot = [...containers];
    return new Promise<Docker.ContainerInfo[]>((resolve) => pending.push(() => resolve(snapshot)));
  };
  return { containers, listAll, started: () => started, release: () => pending.shift()?.() };
}

const tick = () => new Promise((r) => setImmediate(r));

void test('calls made while a list is in flight share one later list that sees what they did', async () => {
  const d = fakeDocker();
  const list = sharedLister(d.listAll);
  const first = list();
  d.containers.push(info('made-after-first-began', 'running'));
  const second = list();
  const third = list();
  assert.equal(d.started(), 1, 'the later calls wait for the list in flight instead of starting their own');
  d.release();
  assert.deepEqual(
    (await first).map((c) => c.Id),
    [],
  );
  await tick();
  assert.equal(d.started(), 2, 'one more list, shared by both waiting calls');
  d.release();
  const [b, c] = await Promise.all([second, third]);
  assert.deepEqual(
    b.map((x) => x.Id),
    ['made-after-first-began'],
    'a caller never gets a list that began before its call',
  );
  assert.equal(b, c);
  const fourth = list();
  assert.equal(d.started(), 3, 'once idle, a call lists at once');
  d.release();
  assert.equal((await fourth).length, 1);
});

void test('a failed list fails the calls that shared it and not the next ones', async () => {
  let fail = true;
  const list = sharedLister(() => (fail ? Promise.reject(new Error('connect ENOENT')) : Promise.resolve([info('a', 'running')])));
  await assert.rejects(list(), /ENOENT/);
  fail = false;
  assert.equal((await list()).length, 1);
});

void test("label filters match Docker's: key present, or key=value", () => {
  const labels = { 'skiff.pod-uid': 'u1', 'skiff.container': 'app' };
  assert.ok(matchesLabels(labels, ['skiff.pod-uid=u1', 'skiff.container']));
  assert.ok(!matchesLabels(labels, ['skiff.pod-uid=u2']));
  assert.ok(!matchesLabels(labels, ['skiff.attempt']));
  assert.ok(!matchesLabels(labels, ['skiff.pod-uid=u']), 'a value matches whole, not by prefix');
  assert.ok(matchesLabels(undefined, []));
});

void test('without `all`, paused and restarting containers count as up, as in docker ps', () => {
  assert.deepEqual(
    ['running', 'paused', 'restarting', 'exited', 'created', 'dead'].map((s) => isUp(info('x', s))),
    [true, true, true, false, false, false],
  );
});
