import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ProfileSummary } from '../protocol';
import type { ProfileRegistry } from '../profiles/profiles';
import { createHelmActions } from './helm-actions';

let dir: string;
let bin: string;
const at = { namespace: 'shop', release: 'web' };

function registry(summaries: ProfileSummary[]): ProfileRegistry {
  return {
    get(name) {
      if (!summaries.some((s) => s.name === name)) return undefined;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
        users: [{ name: 'u', token: 'the-token' }],
        contexts: [{ name, cluster: 'c', user: 'u' }],
        currentContext: name,
      });
      return { name, kubeConfig: () => kc };
    },
    list: () => summaries,
  };
}
const ready: ProfileSummary = { name: 'p', source: 'local', status: 'ready' };
const waiting: ProfileSummary = {
  name: 'w',
  source: 'kubeconfig',
  status: 'unknown',
  consent: { files: [{ field: 'token-file', path: '/x' }], target: { server: 'https://x', ca: 'system roots' }, consented: false },
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-helm-actions-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // A stand-in helm: records its argv and the kubeconfig it was given; "rollback web 9" fails as helm does.
  writeFileSync(
    join(bin, 'helm'),
    `#!/bin/sh
if [ "$1" = version ]; then echo v3.99.0+gtest; exit 0; fi
printf '%s\\n' "$@" > "${dir}/argv"
while [ $# -gt 0 ]; do [ "$1" = --kubeconfig ] && cp "$2" "${dir}/seen-kubeconfig" && echo "$2" > "${dir}/kubeconfig-path"; shift; done
if grep -qx 9 "${dir}/argv"; then echo 'Error: release has no 9 version' >&2; exit 1; fi
echo done
`,
  );
  chmodSync(join(bin, 'helm'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('without helm on PATH the view is read-only, said so, and actions answer 501', async () => {
  const h = createHelmActions({ profiles: registry([ready]), env: { PATH: join(dir, 'nothing') } });
  const info = await h.info();
  assert.equal(info.available, false);
  assert.match((info as { reason: string }).reason, /no helm binary on PATH: releases are shown read-only/);
  await assert.rejects(h.uninstall('p', at), (e: { status?: number }) => e.status === 501);
});

test('rollback and uninstall run helm with the profile alone in a temp kubeconfig, removed afterwards; helm errors come back', async () => {
  const h = createHelmActions({ profiles: registry([ready, waiting]), env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
  assert.deepEqual(await h.info(), { available: true, path: join(bin, 'helm'), version: 'v3.99.0+gtest' });
  assert.deepEqual(await h.rollback('p', { ...at, revision: 1 }), { output: 'done' });
  const argv = readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n');
  const kubeconfig = readFileSync(join(dir, 'kubeconfig-path'), 'utf8').trim();
  assert.deepEqual(argv, ['rollback', 'web', '1', '--namespace', 'shop', '--kubeconfig', kubeconfig]);
  assert.match(readFileSync(join(dir, 'seen-kubeconfig'), 'utf8'), /the-token/);
  assert.equal(existsSync(kubeconfig), false, 'the credentials file is gone');

  await h.uninstall('p', at);
  assert.deepEqual(readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n').slice(0, 4), ['uninstall', 'web', '--namespace', 'shop']);

  await assert.rejects(h.rollback('p', { ...at, revision: 9 }), /helm rollback web 9 failed: release has no 9 version/);
  const bad = async (p: Promise<unknown>, status: number, message: RegExp) =>
    assert.rejects(p, (e: { status?: number; message: string }) => e.status === status && message.test(e.message));
  await bad(h.rollback('p', { ...at, revision: 0 }), 400, /invalid revision 0/);
  await bad(h.uninstall('p', { ...at, release: '--all' }), 400, /invalid release name "--all"/);
  await bad(h.uninstall('p', { ...at, namespace: '-n' }), 400, /invalid namespace "-n"/);
  await bad(h.uninstall('nope', at), 404, /profile "nope" does not exist/);
  await bad(h.uninstall('w', at), 409, /waits for your consent/);
});

test('upgrade: values must be a YAML mapping of at most 1 MiB, checked before anything runs', async () => {
  const h = createHelmActions({ profiles: registry([ready]), env: { PATH: bin } });
  for (const [values, message] of [
    [undefined, /values must be YAML text/],
    ['x'.repeat((1 << 20) + 1), /values must be YAML text/],
    ['a: [1', /not valid YAML/],
    ['- a\n- b\n', /must be a YAML mapping/],
    ['just text', /must be a YAML mapping/],
  ] as const)
    await assert.rejects(
      h.upgrade('p', { ...at, values }),
      (e: Error & { status?: number }) => message.test(e.message) && e.status === 400,
    );
  await assert.rejects(
    h.upgrade('p', { ...at, values: 'a: 1' }),
    (e: Error & { status?: number }) => e.status === 501,
    'no targets: cannot read records',
  );
  assert.equal(existsSync(join(dir, 'argv')) && readFileSync(join(dir, 'argv'), 'utf8').includes('upgrade'), false, 'helm never ran');
});
