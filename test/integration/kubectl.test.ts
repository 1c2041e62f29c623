// The kubectl suite: real kubectl 1.27 and 1.33 against a started Skiff API server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, kubectlVersions, kubectlPath, spawnCollect, type TestCluster } from './harness';

let c: TestCluster;
before(async () => {
  c = await startTestCluster('kubectl');
});
after(async () => {
  await c?.stop();
});

function manifest(ns: string, replicas: number, cmValue: string) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web, tier: front}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: demo
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  color: ${cmValue}
---
apiVersion: v1
kind: Secret
metadata:
  name: token
  namespace: ${ns}
type: Opaque
stringData:
  password: hunter2
`;
}

for (const version of kubectlVersions) {
  describe(`kubectl ${version}`, () => {
    const ns = `ns-${version.replace('.', '')}`;
    const k = (args: string[], input?: string, env?: Record<string, string>) => c.kubectl(args, { version, input, env });
    const ok = async (args: string[], input?: string, env?: Record<string, string>) => {
      const r = await k(args, input, env);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
      return r.stdout;
    };

    test('version and api-resources', async () => {
      const v = JSON.parse(await ok(['version', '-o', 'json']));
      assert.match(v.serverVersion.gitVersion, /^v1\.\d+\.\d+/);
      const res = await ok(['api-resources']);
      for (const short of ['po', 'deploy', 'svc', 'cm', 'ns', 'sts', 'ds', 'rs', 'cj', 'hpa', 'pvc', 'sa', 'ing']) {
        assert.match(res, new RegExp(`\\s${short}(,|\\s)`), `short name ${short} missing from api-resources`);
      }
    });

    test('create namespace, apply a multi-document manifest, then apply a change', async () => {
      assert.match(await ok(['create', 'namespace', ns]), new RegExp(`namespace/${ns} created`));
      const file = join(c.dir, `m-${ns}.yaml`);
      writeFileSync(file, manifest(ns, 2, 'blue'));
      const first = await ok(['apply', '-f', file]);
      assert.match(first, /deployment.apps\/web created/);
      assert.match(first, /service\/web created/);
      assert.match(first, /configmap\/settings created/);
      assert.match(first, /secret\/token created/);
      writeFileSync(file, manifest(ns, 3, 'green'));
      const second = await ok(['apply', '-f', file]);
      assert.match(second, /deployment.apps\/web configured/);
      assert.match(second, /configmap\/settings configured/);
      assert.match(second, /service\/web unchanged/);
      assert.equal(await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '3');
      assert.equal(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.color}']), 'green');
    });

    test('get in every output format', async () => {
      const table = await ok(['get', 'deployments', '-n', ns]);
      assert.match(table, /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
      assert.match(table, /web\s+[0-3]\/3\s+3/);
      assert.match(await ok(['get', 'deploy', '-n', ns, '-o', 'wide']), /CONTAINERS\s+IMAGES\s+SELECTOR[\s\S]*nginx:1.25\s+app=web/);
      assert.match(await ok(['get', 'svc', 'web', '-n', ns, '-o', 'yaml']), /clusterIP: 10\.96\./);
      const json = JSON.parse(await ok(['get', 'secret', 'token', '-n', ns, '-o', 'json']));
      assert.equal(Buffer.from(json.data.password, 'base64').toString(), 'hunter2');
      assert.equal(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'go-template={{.data.color}}']), 'green');
      assert.match(
        await ok(['get', 'deploy,svc,cm', '-n', ns, '-o', 'name']),
        /deployment.apps\/web\nservice\/web\n(configmap\/kube-root-ca.crt\n)?configmap\/settings/,
      );
      assert.match(await ok(['get', 'deploy', '-n', ns, '--show-labels']), /app=web,tier=front/);
      assert.match(await ok(['get', 'svc', '-A']), new RegExp(`default\\s+kubernetes[\\s\\S]*${ns}\\s+web`));
      assert.match(await ok(['get', 'deploy', '-A', '-l', 'tier=front']), new RegExp(`${ns}\\s+web`));
      assert.match(await ok(['get', 'deploy', '-A', '-l', 'tier=back']), /^$/);
      assert.match(await ok(['get', 'cm', '-A', '--field-selector', `metadata.namespace=${ns}`]), /settings/);
      const bad = await k(['get', 'pods', '--field-selector', 'spec.bogus=1']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /field label not supported: spec\.bogus/);
    });

    test('describe, label, annotate', async () => {
      const d = await ok(['describe', 'deployment', 'web', '-n', ns]);
      assert.match(d, /Name:\s+web/);
      assert.match(d, /Replicas:\s+3 desired/);
      assert.match(await ok(['label', 'deploy', 'web', '-n', ns, 'stage=test']), /labeled/);
      assert.match(await ok(['annotate', 'deploy', 'web', '-n', ns, 'owner=team-a']), /annotated?\n/); // 1.27 prints "annotate"
      const obj = JSON.parse(await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'json']));
      assert.equal(obj.metadata.labels.stage, 'test');
      assert.equal(obj.metadata.annotations.owner, 'team-a');
      assert.match(await ok(['label', 'deploy', 'web', '-n', ns, 'stage-']), /unlabeled|labeled/);
      assert.equal(await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.metadata.labels.stage}']), '');
    });

    test('patch: strategic, merge and json', async () => {
      await ok([
        'patch',
        'deploy',
        'web',
        '-n',
        ns,
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}',
      ]);
      // As upstream: a patch without $setElementOrder puts new list items first.
      const names = await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[*].name}']);
      assert.equal(names, 'sidecar web', 'strategic merge must merge containers by name');
      await ok(['patch', 'cm', 'settings', '-n', ns, '--type', 'merge', '-p', '{"data":{"size":"xl"}}']);
      assert.equal(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.size}/{.data.color}']), 'xl/green');
      await ok([
        'patch',
        'deploy',
        'web',
        '-n',
        ns,
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/template/spec/containers/0/name","value":"sidecar"},{"op":"remove","path":"/spec/template/spec/containers/0"}]',
      ]);
      assert.equal(await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[*].name}']), 'web');
    });

    test('scale, edit and replace', async () => {
      assert.match(await ok(['scale', 'deploy', 'web', '-n', ns, '--replicas', '5']), /scaled/);
      assert.equal(await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '5');
      await ok(['edit', 'cm', 'settings', '-n', ns], undefined, { EDITOR: `sed -i s/color:\\ green/color:\\ red/`, KUBE_EDITOR: '' });
      assert.equal(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.color}']), 'red');
      const cm = JSON.parse(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'json']));
      cm.data.color = 'violet';
      const file = join(c.dir, `replace-${ns}.json`);
      writeFileSync(file, JSON.stringify(cm));
      assert.match(await ok(['replace', '-f', file]), /replaced/);
      assert.equal(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.color}']), 'violet');
      // The same stale body again is a conflict.
      const stale = await k(['replace', '-f', file]);
      assert.notEqual(stale.code, 0);
      assert.match(stale.stderr, /the object has been modified/);
    });

    test('get -w sees changes', async () => {
      const w = spawnCollect(kubectlPath(version), ['get', 'cm', '-n', ns, '-w', '--output-watch-events'], {
        KUBECONFIG: c.kubeconfig,
        HOME: join(c.dir, 'home'),
      });
      try {
        await w.waitFor(/settings/);
        await ok(['create', 'configmap', 'watched', '-n', ns, '--from-literal=a=b']);
        await w.waitFor(/ADDED\s+watched/);
        await ok(['delete', 'configmap', 'watched', '-n', ns]);
        await w.waitFor(/DELETED\s+watched/);
      } finally {
        w.stop();
      }
    });

    test('auth can-i, auth whoami and cluster-info', async () => {
      assert.equal((await ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
      assert.match(
        (await ok(['cluster-info'])).replace(/\x1b\[[0-9;]*m/g, ''),
        /Kubernetes control plane is running at https:\/\/127\.0\.0\.1:\d+/,
      );
      if (version !== '1.27') assert.match(await ok(['auth', 'whoami']), /skiff-admin/);
    });

    test('invalid manifests are rejected with the messages kubectl users know', async () => {
      const badName = await k(['create', 'configmap', 'Bad_Name', '-n', ns]);
      assert.notEqual(badName.code, 0);
      assert.match(badName.stderr, /Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
      const noImage = await k(
        ['apply', '-f', '-'],
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${ns}}\nspec:\n  containers:\n  - name: c\n`,
      );
      assert.notEqual(noImage.code, 0);
      assert.match(noImage.stderr, /spec\.containers\[0\]\.image: Required value/);
      const unknown = await k(
        ['apply', '-f', '-'],
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: u, namespace: ${ns}}\ndata: {a: b}\nbogus: 1\n`,
      );
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /unknown field "bogus"/);
      const missingNs = await k(['create', 'configmap', 'x', '-n', 'does-not-exist']);
      assert.notEqual(missingNs.code, 0);
      assert.match(missingNs.stderr, /namespaces "does-not-exist" not found/);
    });

    test('delete with --wait, and --force --grace-period=0', async () => {
      assert.match(await ok(['delete', 'deploy', 'web', '-n', ns, '--wait']), /deleted/);
      const gone = await k(['get', 'deploy', 'web', '-n', ns]);
      assert.match(gone.stderr, /not found/);
      await ok(['run', 'lonely', '--image', 'busybox', '-n', ns]);
      const forced = await ok(['delete', 'pod', 'lonely', '-n', ns, '--force', '--grace-period=0']);
      assert.match(forced, /deleted/);
      assert.match(await ok(['delete', 'namespace', ns, '--wait']), /deleted/);
      assert.match((await k(['get', 'ns', ns])).stderr, /not found/);
    });
  });
}
