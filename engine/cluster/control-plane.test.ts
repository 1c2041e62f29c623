import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UnavailableError, type Store } from '../store/types';
import { startControlPlane, type ControlPlaneDeps } from './control-plane';
import { SkiffError } from './errors';

// The real store and API server have their own tests; here only the wiring and the files matter.
function fakes(opts: { listenError?: Error; storeError?: Error } = {}) {
  const calls: string[] = [];
  const podSecurity: string[] = [];
  let nextPort = 41000;
  const deps: ControlPlaneDeps = {
    async openStore(o) {
      calls.push(`open ${o.kind}`);
      if (opts.storeError) throw opts.storeError;
      return { close: async () => void calls.push('store.close') } as unknown as Store;
    },
    async startApiServer(o) {
      calls.push(`listen ${o.port}`);
      if (o.podSecurity) podSecurity.push(`${o.podSecurity.defaults.enforce.level} ${o.podSecurity.exemptions.namespaces.join(',')}`);
      if (opts.listenError) throw opts.listenError;
      assert.match(o.tls.cert, /BEGIN CERTIFICATE/);
      assert.equal(Object.values(o.tokens ?? {})[0]?.user, 'skiff-admin');
      const port = o.port || nextPort++;
      return { port, url: `https://127.0.0.1:${port}`, close: async () => void calls.push('server.close') };
    },
  };
  return { deps, calls, podSecurity };
}

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-cp-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'first start writes pki, cluster.json and kubeconfig; restart reuses the port',
  withDir(async (dataDir) => {
    const { deps, calls } = fakes();
    const steps: string[] = [];
    const cp = await startControlPlane({ name: 'dev', dataDir, deps, onStep: (s, d) => steps.push(`${s}: ${d}`) });
    assert.deepEqual(
      steps.map((s) => s.split(':')[0]),
      ['pki', 'store', 'apiserver', 'kubeconfig'],
    );
    assert.ok(
      steps.every((s) => /\(\d+ ms\)$/.test(s)),
      'each step carries its duration',
    );
    const dir = join(dataDir, 'dev');
    assert.equal(cp.kubeconfigPath, join(dir, 'kubeconfig'));
    assert.equal(statSync(cp.kubeconfigPath).mode & 0o777, 0o600);
    const kc = parse(readFileSync(cp.kubeconfigPath, 'utf8'));
    assert.equal(kc['current-context'], 'skiff-dev');
    assert.equal(kc.clusters[0].cluster.server, cp.url);
    const cfg = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'));
    assert.equal(cfg.port, cp.port);
    assert.equal(cfg.datastore, 'sqlite');
    assert.ok(existsSync(join(dir, 'pki', 'ca.crt')));
    await cp.stop();
    await cp.stop();
    assert.deepEqual(calls, ['open sqlite', 'listen 0', 'server.close', 'store.close'], 'server closes before the store, once');

    const again = await startControlPlane({ name: 'dev', dataDir, deps });
    assert.equal(again.port, cp.port);
    assert.equal(calls.at(-1), `listen ${cp.port}`);
    assert.equal(
      parse(readFileSync(again.kubeconfigPath, 'utf8')).clusters[0].cluster['certificate-authority-data'],
      kc.clusters[0].cluster['certificate-authority-data'],
    );
    await again.stop();
  }),
);

test(
  'a busy port becomes one actionable SkiffError and the store is closed',
  withDir(async (dataDir) => {
    const { deps, calls } = fakes({ listenError: Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }) });
    await assert.rejects(startControlPlane({ name: 'dev', dataDir, port: 6443, deps }), (err: Error) => {
      assert.ok(err instanceof SkiffError);
      assert.match(err.message, /^port 6443 .*in use; .*--port/);
      return true;
    });
    assert.ok(calls.includes('store.close'));
  }),
);

test(
  'an unreachable etcd names its endpoints',
  withDir(async (dataDir) => {
    const { deps } = fakes({ storeError: new UnavailableError('etcd unavailable at http://127.0.0.1:1') });
    await assert.rejects(
      startControlPlane({ name: 'e', dataDir, datastore: 'etcd', etcdEndpoints: ['http://127.0.0.1:1'], deps }),
      /^SkiffError: cannot reach etcd at http:\/\/127\.0\.0\.1:1; /,
    );
  }),
);

test(
  'refuses to switch the datastore of an existing cluster',
  withDir(async (dataDir) => {
    const { deps } = fakes();
    await (await startControlPlane({ name: 'dev', dataDir, deps })).stop();
    await assert.rejects(startControlPlane({ name: 'dev', dataDir, datastore: 'etcd', deps }), SkiffError);
  }),
);

test(
  'a data dir that cannot be used is a SkiffError (a file in the way works even as root)',
  withDir(async (dir) => {
    const dataDir = join(dir, 'not-a-dir');
    writeFileSync(dataDir, '');
    await assert.rejects(
      startControlPlane({ name: 'dev', dataDir, deps: fakes().deps }),
      /^SkiffError: cannot use data dir .*not-a-dir \(E[A-Z]+\); /,
    );
  }),
);

test(
  'Pod Security: baseline by default; --pod-security is kept in cluster.json for later starts',
  withDir(async (dataDir) => {
    const { deps, podSecurity } = fakes();
    const cfgPath = join(dataDir, 'ps', 'cluster.json');
    const saved = () => (JSON.parse(readFileSync(cfgPath, 'utf8')) as { podSecurity?: string }).podSecurity;
    await (await startControlPlane({ name: 'ps', dataDir, deps })).stop();
    assert.equal(saved(), undefined, 'the default is not written');
    await (await startControlPlane({ name: 'ps', dataDir, deps, podSecurity: 'privileged' })).stop();
    assert.equal(saved(), 'privileged');
    await (await startControlPlane({ name: 'ps', dataDir, deps })).stop();
    await (await startControlPlane({ name: 'ps', dataDir, deps, podSecurity: 'baseline' })).stop();
    // Exemptions are edited by hand in cluster.json and survive the next write of it.
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, podSecurityExemptions: { namespaces: ['kube-system', 'tools'], usernames: 7 } }));
    await (await startControlPlane({ name: 'ps', dataDir, deps })).stop();
    assert.deepEqual(podSecurity, [
      'baseline kube-system',
      'privileged kube-system',
      'privileged kube-system',
      'baseline kube-system',
      'baseline kube-system,tools',
    ]);
    assert.deepEqual((JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>).podSecurityExemptions, {
      namespaces: ['kube-system', 'tools'],
      usernames: 7,
    });
  }),
);
