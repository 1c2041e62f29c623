import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { watchOutsideChanges } from './outside-changes';
import type { RuntimeNotice } from '../runtime';

const KEY = 'c';
const labels = (container: string) => ({ 'skiff.pod-uid': 'p1', 'skiff.container': container });
const info = (id: string) => ({ Id: id, State: 'running', Labels: labels('web') }) as unknown as Docker.ContainerInfo;
const gone = (id: string) => ({ id, podUid: 'p1', labels: labels('web') });
const tick = () => new Promise((r) => setImmediate(r));

/** Docker with one remove call held open until the test answers it. */
function fakeDocker() {
  const answers: Array<(e?: { statusCode: number }) => void> = [];
  const dockerError = (e: { statusCode: number }) => Object.assign(new Error(`HTTP ${e.statusCode}`), e);
  const docker = {
    getContainer: () => ({
      remove: () => new Promise<void>((resolve, reject) => answers.push((e) => (e ? reject(dockerError(e)) : resolve()))),
    }),
  } as unknown as Docker;
  return { docker, answer: (e?: { statusCode: number }) => answers.shift()!(e) };
}

function setup(list: () => Docker.ContainerInfo[]) {
  const d = fakeDocker();
  const notices: RuntimeNotice[] = [];
  const w = watchOutsideChanges({
    docker: d.docker,
    cluster: KEY,
    list: () => Promise.resolve(list()),
    knownPod: (uid) => uid === 'p1',
    lastIP: () => undefined,
    emit: (_, n) => void (n && notices.push(n)),
    log: () => {},
    relistMs: 60_000,
  });
  return { ...d, w, notices };
}

void test("someone else's docker rm -f is reported once, even when our own remove of it was in flight", async () => {
  let list = [info('aaa')];
  const { w, notices, answer } = setup(() => list);
  await w.pleg.relist();
  // The kubelet removes the dead container while `docker rm -f` is removing it: the destroy
  // event arrives before Docker's 409 to our call.
  const ours = w.removeOwn('aaa');
  w.destroyed(gone('aaa'));
  await tick();
  assert.equal(notices.length, 0, 'undecided while our call is unanswered');
  answer({ statusCode: 409 });
  await ours;
  await tick();
  assert.deepEqual(
    notices.map((n) => [n.reason, n.message.slice(0, 20)]),
    [['ContainerRemoved', 'Container web (aaa) ']],
  );
  list = [];
  await w.pleg.relist(); // the relist sees it vanish too: not a second event
  await tick();
  assert.equal(notices.length, 1);
  w.pleg.stop();
});

void test('our own removals are not reported, from the event or the relist, even when removed twice', async () => {
  let list = [info('bbb'), info('ccc')];
  const { w, notices, answer } = setup(() => list);
  await w.pleg.relist();
  const first = w.removeOwn('bbb');
  answer();
  await first;
  const again = w.removeOwn('bbb'); // a second removal finds it gone (404): still ours
  answer({ statusCode: 404 });
  await again;
  w.destroyed(gone('bbb'));
  const c = w.removeOwn('ccc');
  answer();
  await c;
  list = []; // ccc's destroy event was missed: the relist decides
  await w.pleg.relist();
  await tick();
  assert.deepEqual(notices, []);
  w.pleg.stop();
});

void test('a removal the event stream missed is still reported by the relist', async () => {
  let list = [info('ddd')];
  const { w, notices } = setup(() => list);
  await w.pleg.relist();
  list = [];
  await w.pleg.relist();
  await tick();
  assert.equal(notices.length, 1);
  assert.match(notices[0].message, /^Container web \(ddd\) was removed outside Skiff/);
  w.pleg.stop();
});
