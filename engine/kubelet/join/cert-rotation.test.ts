// The running agent's rotation after the machine slept: the wall clock jumps (an injected clock)
// past 80 % of a short-lived certificate from the cluster CA's signer, or past its end.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpKubeClient } from '../../client/http-client';
import { shortLivedSigner } from '../../pki/testing/short-lived-certs';
import { certLife } from '../../pki/node-cert-life';
import { JoinError } from './discovery';
import { startCertRotation } from './cert-rotation';
import type { NodeCredentials } from './tls-bootstrap';

const MIN = 60_000;
let nodeCert: (signedAt: Date, seconds: number) => Promise<NodeCredentials>;
before(async () => {
  ({ nodeCert } = await shortLivedSigner());
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string) {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
  assert.ok(cond(), what);
}

/** A rotation looking at `clock` every 5 ms (instead of 30 s); `renew` counts its calls. */
function rotation(cert: string, clock: { t: number }, renew: () => Promise<NodeCredentials>) {
  const saved: NodeCredentials[] = [];
  const switched: NodeCredentials[] = [];
  const lines: string[] = [];
  const calls = { renew: 0 };
  const client = { setCredentials: (c: NodeCredentials) => switched.push(c) } as unknown as HttpKubeClient;
  const r = startCertRotation({
    client,
    nodeName: 'm2',
    cert,
    onRotated: (c) => saved.push(c),
    log: (l) => lines.push(l),
    now: () => clock.t,
    checkEveryMs: 5,
    renew: () => {
      calls.renew++;
      return renew();
    },
  });
  // The rotation's timers do not hold the process open: the test waits with timers of its own.
  const ended: { at?: Date } = {};
  void r.expired.then((at) => (ended.at = at));
  return { r, saved, switched, lines, calls, ended };
}

void test('a jump of the clock past 80 % of the life (resume from sleep) renews at once; the new certificate is used and kept', async () => {
  const t0 = Date.now();
  const clock = { t: t0 };
  const first = await nodeCert(new Date(t0), 3600); // from t0-5 min to t0+60 min: 80 % at t0+47 min
  let fresh: NodeCredentials | undefined;
  const x = rotation(first.cert, clock, async () => (fresh = await nodeCert(new Date(clock.t), 3600)));
  try {
    await sleep(50); // ten looks at the clock, nothing due
    assert.equal(x.calls.renew, 0);
    clock.t = t0 + 50 * MIN; // the laptop woke up 50 minutes later; no timer counted that time
    assert.equal(certLife(first.cert, new Date(clock.t)).state, 'renew');
    await until(() => x.saved.length === 1, 'renewed after the jump');
    assert.deepEqual(x.saved, [fresh]);
    assert.deepEqual(x.switched, [fresh], 'the client switched to the new certificate');
    assert.ok(x.r.nextAt().getTime() > clock.t + 40 * MIN, 'the next renewal is timed by the new certificate');
    await sleep(50);
    assert.equal(x.calls.renew, 1, 'renewed once');
  } finally {
    x.r.stop();
  }
});

void test('a jump past the end stops the rotation with the time it expired: no renewal is asked, no endless 401 retries', async () => {
  const t0 = Date.now();
  const clock = { t: t0 };
  const first = await nodeCert(new Date(t0), 3600);
  const x = rotation(first.cert, clock, () =>
    Promise.reject(new JoinError('the cluster refused the token (unknown, deleted or expired); make a new one with: skiff token create')),
  );
  clock.t = t0 + 61 * MIN; // asleep past the certificate's end
  await until(() => x.ended.at !== undefined, 'expired');
  const validTo = x.ended.at!;
  assert.equal(validTo.getTime(), certLife(first.cert).validTo.getTime());
  await sleep(50);
  assert.equal(x.calls.renew, 0);
  assert.deepEqual(x.lines, [`node m2: client certificate expired at ${validTo.toISOString()}; stopping its rotation`]);
});

void test('failed renewals past 80 % retry saying the certificate was refused (not the token), and stop once it has expired', async () => {
  const t0 = Date.now();
  const clock = { t: t0 + 50 * MIN };
  const first = await nodeCert(new Date(t0), 3600);
  const x = rotation(first.cert, clock, () =>
    Promise.reject(new JoinError('the cluster refused the token (unknown, deleted or expired); make a new one with: skiff token create')),
  );
  await until(() => x.calls.renew === 1, 'a renewal at once');
  const asked = x.calls.renew;
  clock.t += 2_000; // past the first back-off
  await until(() => x.calls.renew > asked, 'retried');
  assert.ok(x.lines.every((l) => !/token/.test(l)));
  assert.match(
    x.lines[0],
    /renewing its client certificate with the current one failed \(the cluster refused the node's certificate \(401\)\); retrying/,
  );
  clock.t = t0 + 61 * MIN;
  await until(() => x.ended.at !== undefined, 'expired');
  const after = x.calls.renew;
  clock.t += 10 * MIN;
  await sleep(50);
  assert.equal(x.calls.renew, after, 'no attempts after the end');
  assert.deepEqual(x.saved, []);
});
