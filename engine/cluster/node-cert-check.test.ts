// A joined machine's agent starting on a certificate that expired while the machine was off, or
// one past 80 % of its life: certificates made with short lives by the cluster CA's signer.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { shortLivedSigner } from '../pki/testing/short-lived-certs';
import { certLife } from '../pki/node-cert-life';
import { SkiffError } from './errors';
import { nodeCredentialsAtStart } from './node-cert-check';
import type { NodeCredentials } from '../kubelet/join/tls-bootstrap';

const MIN = 60_000;
let ca: { cert: string; key: string };
let nodeCert: (signedAt: Date, seconds: number) => Promise<NodeCredentials>;
before(async () => {
  ({ ca, nodeCert } = await shortLivedSigner());
});

function check(creds: NodeCredentials, renew: (c: NodeCredentials) => Promise<NodeCredentials>) {
  const saved: NodeCredentials[] = [];
  const lines: string[] = [];
  const run = nodeCredentialsAtStart({
    server: 'https://192.0.2.1:6443',
    caCert: ca.cert,
    nodeName: 'm2',
    creds,
    save: (c) => saved.push(c),
    log: (l) => lines.push(l),
    renew,
  });
  return { run, saved, lines };
}

void test('an expired certificate stops the start with what happened and what to do; nothing is asked of the cluster', async () => {
  // Signed two hours ago for one hour: expired an hour ago (the machine was off).
  const creds = await nodeCert(new Date(Date.now() - 120 * MIN), 3600);
  assert.equal(certLife(creds.cert).state, 'expired');
  let asked = 0;
  const { run, saved } = check(creds, () => {
    asked++;
    return Promise.reject(new Error('401'));
  });
  const err = (await run.catch((e: unknown) => e)) as SkiffError;
  assert.ok(err instanceof SkiffError);
  assert.match(
    err.what,
    /^the client certificate of node "m2" expired at \d{4}-\d\d-\d\dT.* \(this machine was off or asleep past its renewal\), so the cluster refuses it$/,
  );
  assert.equal(err.fix, 'run "skiff join" again with a fresh token (on the first machine: skiff token create --print-join-command)');
  assert.equal(asked, 0);
  assert.deepEqual(saved, []);
});

void test('a certificate past 80 % of its life is renewed before the agent starts, and the new one is kept', async () => {
  // Life from 55 min ago (signed 50 min ago, backdated 5) to 10 min from now: 85 % gone.
  const creds = await nodeCert(new Date(Date.now() - 50 * MIN), 3600);
  assert.equal(certLife(creds.cert).state, 'renew');
  const fresh = await nodeCert(new Date(), 3600);
  let renewedWith: NodeCredentials | undefined;
  const { run, saved, lines } = check(creds, (c) => {
    renewedWith = c;
    return Promise.resolve(fresh);
  });
  assert.deepEqual(await run, fresh, 'the agent starts with the renewed certificate');
  assert.deepEqual(renewedWith, creds, 'the renewal is asked with the current (still valid) certificate');
  assert.deepEqual(saved, [fresh]);
  assert.match(lines[0], /past 80 % of its life; renewed before starting/);
});

void test('a failed renewal of a still-valid certificate starts with it, saying so; a young certificate is used as it is', async () => {
  const old = await nodeCert(new Date(Date.now() - 50 * MIN), 3600);
  const failed = check(old, () => Promise.reject(new Error('connect ECONNREFUSED')));
  assert.deepEqual(await failed.run, old);
  assert.deepEqual(failed.saved, []);
  assert.match(failed.lines[0], /renewing it failed \(connect ECONNREFUSED\); starting with it/);

  const young = await nodeCert(new Date(), 3600);
  assert.equal(certLife(young.cert).state, 'fine');
  let asked = 0;
  const ok = check(young, () => {
    asked++;
    return Promise.resolve(young);
  });
  assert.deepEqual(await ok.run, young);
  assert.equal(asked, 0);
});
