// ConfigMap and Secret updates reach the files a running container has mounted (whole, via
// ..data), while a subPath mount keeps its content, as upstream; env vars never change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';

const skip = await dockerSkip();
let c: DockerCluster;

before(async () => {
  if (!skip) c = await startDockerCluster(`dv${process.pid}`, 'skiff-docker-vol-');
});
after(async () => {
  if (!skip) await c?.stop();
});

const POD = `apiVersion: v1
kind: Pod
metadata: { name: reader }
spec:
  containers:
  - name: main
    image: ${BUSYBOX_IMAGE}
    command: ["sleep", "3600"]
    env: [{ name: GREETING, valueFrom: { configMapKeyRef: { name: app, key: greeting } } }]
    volumeMounts:
    - { name: conf, mountPath: /etc/app }
    - { name: conf, mountPath: /etc/pinned.txt, subPath: greeting }
    - { name: creds, mountPath: /etc/creds }
  volumes:
  - { name: conf, configMap: { name: app } }
  - { name: creds, secret: { secretName: creds } }
`;

const cat = async (path: string) => (await c.kubectl(['exec', 'reader', '--', 'cat', path])).stdout;

test('ConfigMap and Secret updates reach mounted files of a running pod', { skip, timeout: 120_000 }, async () => {
  assert.equal((await c.kubectl(['create', 'configmap', 'app', '--from-literal=greeting=hello', '--from-literal=mode=a'])).code, 0);
  assert.equal((await c.kubectl(['create', 'secret', 'generic', 'creds', '--from-literal=password=one'])).code, 0);
  const r = await c.kubectl(['apply', '-f', '-'], { input: POD });
  assert.equal(r.code, 0, r.stderr);
  await waitFor('reader Running', async () => (await c.podJSON('reader')).status?.phase === 'Running', 60_000);
  assert.equal(await cat('/etc/app/greeting'), 'hello');
  assert.equal(await cat('/etc/creds/password'), 'one');
  const started = (await c.podJSON('reader')).status.containerStatuses[0].containerID;

  await c.kubectl(['patch', 'configmap', 'app', '--type=merge', '-p', '{"data":{"greeting":"bonjour","extra":"new"},"metadata":{}}']);
  await c.kubectl(['patch', 'secret', 'creds', '--type=merge', '-p', '{"stringData":{"password":"two"}}']);
  await waitFor('the new greeting', async () => (await cat('/etc/app/greeting')) === 'bonjour', 30_000);
  await waitFor('the new password', async () => (await cat('/etc/creds/password')) === 'two', 30_000);
  assert.equal(await cat('/etc/app/extra'), 'new', 'an added key appears');
  assert.equal(await cat('/etc/pinned.txt'), 'hello', 'a subPath mount keeps its content');
  assert.equal((await c.kubectl(['exec', 'reader', '--', 'sh', '-c', 'echo $GREETING'])).stdout.trim(), 'hello', 'env is fixed at start');
  const pod = await c.podJSON('reader');
  assert.equal(pod.status.containerStatuses[0].containerID, started, 'no restart');
  assert.equal(pod.status.containerStatuses[0].restartCount, 0);
});
