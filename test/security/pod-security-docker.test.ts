// Pod Security with real Docker (issue 12): a pod asking for the host (privileged, hostPath /)
// is refused before any container exists, while an ordinary pod next to it runs; the
// cluster's own parts (network agent, DNS) keep working with the baseline default.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE } from '../docker/images';
import { startDockerCluster, waitFor, type DockerCluster } from '../docker/docker-cluster';
import { clusterFilter, L } from '../../engine/docker/names';

const skip = await dockerSkip();
let c: DockerCluster;

before(async () => {
  if (!skip) c = await startDockerCluster(`ps${process.pid}`, 'skiff-docker-podsec-');
});
after(async () => {
  if (!skip) await c?.stop();
});

const PODS = `apiVersion: v1
kind: Pod
metadata: { name: escape }
spec:
  volumes: [{ name: root, hostPath: { path: / } }]
  containers:
  - name: c
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "cat /host/etc/shadow; sleep 3600"]
    securityContext: { privileged: true }
    volumeMounts: [{ name: root, mountPath: /host }]
---
apiVersion: v1
kind: Pod
metadata: { name: fine }
spec:
  containers:
  - { name: c, image: ${BUSYBOX_IMAGE}, command: ["sleep", "3600"] }
`;

test('a privileged hostPath / pod is refused and never gets a container; an ordinary pod runs', { skip }, async () => {
  const r = await c.kubectl(['create', '-f', '-'], { input: PODS });
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /pods "escape" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes \(volume "root"\), privileged \(container "c" must not set securityContext\.privileged=true\)/,
  );
  await waitFor('pod fine Running', async () => ((await c.podJSON('fine')) as { status?: { phase?: string } }).status?.phase === 'Running');
  const docker = new Docker();
  const containers = await docker.listContainers({ all: true, filters: { label: clusterFilter(c.ref) } });
  const pods = containers.map((x) => x.Labels[L.pod]).filter(Boolean);
  assert.ok(pods.includes('fine'), `the ordinary pod has containers: ${pods.join(', ')}`);
  assert.ok(!pods.includes('escape'), 'no container was made for the refused pod');
});
