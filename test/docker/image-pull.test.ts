// Image pulls from a real (local, in-process) registry through the Docker kubelet, driven by
// real kubectl: Pulling → progress → Pulled events, pull policies, imagePullSecrets from the pod
// and from its ServiceAccount, and the errors users see when credentials are missing or wrong.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { startTestRegistry, type TestRegistry } from './registry/index';

const skip = await dockerSkip();
const docker = new Docker();
let c: DockerCluster;
let open: TestRegistry;
let locked: TestRegistry;
const USER = 'alice';
const PASSWORD = 's3cret';

before(async () => {
  if (skip) return;
  // Images an earlier (aborted) run pushed have the same digests: Docker would then pull nothing.
  for (const img of await docker.listImages())
    if ((img.RepoTags ?? []).concat(img.RepoDigests ?? []).some((t) => /^127\.0\.0\.1:\d+\/team\//.test(t)))
      await docker
        .getImage(img.Id)
        .remove({ force: true })
        .catch(() => {});
  c = await startDockerCluster(`dp${process.pid}`, 'skiff-docker-pull-');
  open = await startTestRegistry();
  locked = await startTestRegistry({ auth: { user: USER, password: PASSWORD } });
});

after(async () => {
  if (skip) return;
  await c?.stop();
  // Whatever the engine pulled from these registries goes too (their ports are never reused).
  // By reference, never by ID: an image pushed unchanged has the local test image's ID.
  for (const r of [open, locked]) {
    if (!r) continue;
    for (const img of await docker.listImages({ all: true })) {
      for (const ref of [...(img.RepoTags ?? []), ...(img.RepoDigests ?? [])]) if (ref.startsWith(`${r.host}/`)) await removeLocal(ref);
    }
    await r.close();
  }
});

/** Removes the engine's copy of a reference so the next pod has to pull it. */
async function removeLocal(ref: string) {
  await docker
    .getImage(ref)
    .remove({ force: true })
    .catch((e) => {
      if (e?.statusCode !== 404) throw e;
    });
}

const apply = async (obj: object) => {
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(obj) });
  assert.equal(r.code, 0, r.stderr);
};

const pod = (name: string, image: string, extra: { policy?: string; spec?: object; command?: string } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'app',
        image,
        command: ['sh', '-c', extra.command ?? 'sleep 3600'],
        ...(extra.policy ? { imagePullPolicy: extra.policy } : {}),
      },
    ],
    ...extra.spec,
  },
});

const events = async (name: string): Promise<any[]> =>
  JSON.parse((await c.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])).stdout).items;

// On a time-out, waitFor reports the last error: these throw the state they saw.
const running = (name: string, timeoutMs = 40_000) =>
  waitFor(
    `${name} Running`,
    async () => {
      const p = await c.podJSON(name);
      if (p.status?.phase !== 'Running') throw new Error(`status ${JSON.stringify(p.status)}`);
      return p;
    },
    timeoutMs,
  );

/** Waits for the container's waiting state to have `reason`; returns it. */
const waiting = (name: string, reason: string, timeoutMs = 30_000) =>
  waitFor(
    `${name} ${reason}`,
    async () => {
      const p = await c.podJSON(name);
      const w = p.status?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason !== reason) throw new Error(`status ${JSON.stringify(p.status)}`);
      return w;
    },
    timeoutMs,
  );

const logs = (name: string, want: string) =>
  waitFor(`${name} logs`, async () => {
    const l = (await c.kubectl(['logs', name])).stdout;
    return l.includes(want) && l;
  });

const manifestGets = (r: TestRegistry, repo: string) =>
  r.requests.filter((q) => q.startsWith('GET') && q.includes(`/v2/${repo}/manifests/`)).length;

const del = (...names: string[]) => c.kubectl(['delete', 'pod', ...names, '--wait=false']);

describe('image pulls from a registry', { skip }, () => {
  test('an image only in the registry: Pulling, one progress event, Pulled with time and size, Running', { timeout: 90_000 }, async () => {
    // Incompressible padding at 1 MB/s: a pull of several seconds, long enough for progress.
    const { ref, imageId } = await open.push(BUSYBOX_IMAGE, 'team/big:v1', { files: { '/pad.bin': randomBytes(5_000_000) } });
    await removeLocal(ref);
    open.bytesPerSecond = 1_000_000;
    try {
      await apply(pod('big', ref));
      const p = await running('big');
      assert.equal(p.status.containerStatuses[0].imageID, `docker-pullable://${imageId}`);
    } finally {
      open.bytesPerSecond = undefined;
    }
    const ev = await waitFor('Pulled event', async () => {
      const e = await events('big');
      return e.some((x) => x.reason === 'Pulled') && e;
    });
    const pulling = ev.filter((e) => e.reason === 'Pulling');
    assert.ok(
      pulling.some((e) => e.message === `Pulling image "${ref}"`),
      JSON.stringify(pulling),
    );
    const progress = pulling.filter((e) => e.message !== `Pulling image "${ref}"`);
    assert.equal(progress.length, 1, `progress is one aggregated event: ${JSON.stringify(progress)}`);
    const esc = ref.replace(/[.]/g, '\\.');
    assert.match(
      progress[0].message,
      new RegExp(`^Pulling image "${esc}": \\d+(\\.\\d)? (B|kB|MB) of \\d+\\.\\d MB downloaded, \\d of 2 layers done$`),
    );
    assert.equal(progress[0].type, 'Normal');
    assert.ok(progress[0].count >= 1);
    const pulled = ev.find((e) => e.reason === 'Pulled');
    const m = new RegExp(
      `^Successfully pulled image "${esc}" in ([\\d.]+m?s) \\(([\\d.]+m?s) including waiting\\)\\. Image size: (\\d+) bytes\\.$`,
    ).exec(pulled.message);
    assert.ok(m, pulled.message);
    assert.match(m[1], /^([3-9]|[1-9]\d)(\.\d+)?s$/, `the throttled pull took seconds: ${m[1]}`);
    assert.ok(Number(m[3]) > 5_000_000, `image size counts the padding: ${m[3]}`);
    const describeOut = (await c.kubectl(['describe', 'pod', 'big'])).stdout;
    assert.match(describeOut, /Normal\s+Pulled\s+.*kubelet\s+Successfully pulled image/);
    await del('big');
  });

  test(
    'pull policies: IfNotPresent keeps the local image, Always re-pulls a re-pushed tag, Never never pulls',
    { timeout: 120_000 },
    async () => {
      const { ref } = await open.push(BUSYBOX_IMAGE, 'team/app:v1', { files: { '/etc/app-version': 'one\n' } });
      await removeLocal(ref);
      const show = 'cat /etc/app-version; sleep 3600';
      await apply(pod('pol-a', ref, { policy: 'IfNotPresent', command: show }));
      await running('pol-a');
      await logs('pol-a', 'one');

      // Same tag, new content: only Always notices.
      await open.push(BUSYBOX_IMAGE, 'team/app:v1', { files: { '/etc/app-version': 'two\n' } });
      const before = manifestGets(open, 'team/app');
      await apply(pod('pol-b', ref, { policy: 'IfNotPresent', command: show }));
      await running('pol-b');
      assert.match(await logs('pol-b', 'one'), /^one\n$/);
      assert.equal(manifestGets(open, 'team/app'), before, 'IfNotPresent with the image present asks no registry');
      const evB = await waitFor('pol-b Pulled', async () => {
        const e = await events('pol-b');
        return e.some((x) => x.reason === 'Pulled') && e;
      });
      assert.deepEqual(
        evB.filter((e) => e.reason === 'Pulled' || e.reason === 'Pulling').map((e) => e.message),
        [`Container image "${ref}" already present on machine`],
      );

      await apply(pod('pol-c', ref, { policy: 'Always', command: show }));
      await running('pol-c');
      assert.match(await logs('pol-c', 'two'), /^two\n$/);
      assert.ok(manifestGets(open, 'team/app') > before, 'Always asked the registry');
      const evC = await waitFor('pol-c Pulled', async () => {
        const e = await events('pol-c');
        return e.some((x) => x.reason === 'Pulled') && e;
      });
      assert.ok(evC.some((e) => e.reason === 'Pulling' && e.message === `Pulling image "${ref}"`));
      assert.match(
        evC.find((e) => e.reason === 'Pulled').message,
        /^Successfully pulled image .* including waiting\)\. Image size: \d+ bytes\.$/,
      );

      // Never: a missing image is an error of its own, with no back-off and no registry traffic.
      const absent = `${open.host}/team/absent:v1`;
      await removeLocal(absent);
      await apply(pod('pol-d', absent, { policy: 'Never' }));
      const w = await waiting('pol-d', 'ErrImageNeverPull');
      assert.equal(w.message, `Container image "${absent}" is not present with pull policy of Never`);
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(
        (await c.podJSON('pol-d')).status.containerStatuses[0].state.waiting?.reason,
        'ErrImageNeverPull',
        'Never does not back off into ImagePullBackOff',
      );
      assert.equal(open.requests.filter((q) => q.includes('/team/absent/')).length, 0);
      const evD = await events('pol-d');
      assert.ok(
        evD.some((e) => e.type === 'Warning' && e.reason === 'ErrImageNeverPull' && e.message === w.message),
        JSON.stringify(evD),
      );
      assert.ok(evD.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImageNeverPull'));
      assert.match((await c.kubectl(['get', 'pod', 'pol-d'])).stdout, /pol-d\s+0\/1\s+ErrImageNeverPull\s/);

      // Never with the image present runs it.
      await apply(pod('pol-e', BUSYBOX_IMAGE, { policy: 'Never' }));
      await running('pol-e');
      await del('pol-a', 'pol-b', 'pol-c', 'pol-d', 'pol-e');
    },
  );

  test(
    'a registry that wants credentials: none → ErrImagePull then ImagePullBackOff; a pull Secret → Running',
    { timeout: 90_000 },
    async () => {
      const { ref } = await locked.push(BUSYBOX_IMAGE, 'team/private:v1');
      await removeLocal(ref);
      // A missing Secret is reported, and the pull goes on without it.
      await apply(pod('auth-none', ref, { spec: { imagePullSecrets: [{ name: 'nosuch' }] } }));
      const w = await waiting('auth-none', 'ErrImagePull');
      assert.ok(w.message.startsWith(`Failed to pull image "${ref}": `), w.message);
      assert.match(
        w.message,
        /no basic auth credentials \(authentication required by 127\.0\.0\.1:\d+, and no imagePullSecret has credentials for it: add a kubernetes\.io\/dockerconfigjson Secret/,
      );
      const back = await waiting('auth-none', 'ImagePullBackOff');
      assert.equal(back.message, `Back-off pulling image "${ref}": ErrImagePull: ${w.message}`);
      assert.equal((await c.podJSON('auth-none')).status.phase, 'Pending');
      const ev = await waitFor('auth-none events', async () => {
        const e = await events('auth-none');
        return e.some((x) => x.reason === 'BackOff') && e;
      });
      const msgs = ev.map((e) => `${e.type} ${e.reason} ${e.message}`);
      assert.ok(msgs.includes(`Warning Failed ${w.message}`), msgs.join('\n'));
      assert.ok(msgs.includes('Warning Failed Error: ErrImagePull'), msgs.join('\n'));
      assert.ok(msgs.includes(`Normal BackOff Back-off pulling image "${ref}"`), msgs.join('\n'));
      assert.ok(
        msgs.includes(
          'Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (nosuch); attempting to pull the image may not succeed.',
        ),
        msgs.join('\n'),
      );

      const r = await c.kubectl([
        'create',
        'secret',
        'docker-registry',
        'regcred',
        `--docker-server=${locked.host}`,
        `--docker-username=${USER}`,
        `--docker-password=${PASSWORD}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      await apply(pod('auth-secret', ref, { spec: { imagePullSecrets: [{ name: 'regcred' }] } }));
      await running('auth-secret');
      const evS = await waitFor('auth-secret Pulled', async () => {
        const e = await events('auth-secret');
        return e.some((x) => x.reason === 'Pulled') && e;
      });
      assert.match(evS.find((e) => e.reason === 'Pulled').message, /^Successfully pulled image /);
      await del('auth-none', 'auth-secret');
    },
  );

  test("the ServiceAccount's imagePullSecrets reach the pod and its pull", { timeout: 60_000 }, async () => {
    const ref = `${locked.host}/team/private:v1`;
    await removeLocal(ref);
    assert.equal((await c.kubectl(['create', 'serviceaccount', 'puller'])).code, 0);
    const patched = await c.kubectl([
      'patch',
      'serviceaccount',
      'puller',
      '-p',
      JSON.stringify({ imagePullSecrets: [{ name: 'regcred' }] }),
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    await apply(pod('auth-sa', ref, { spec: { serviceAccountName: 'puller' } }));
    const p = await running('auth-sa');
    assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'regcred' }]);
    assert.ok(locked.requests.length > 0);
    await del('auth-sa');
  });

  test('a wrong password: ErrImagePull saying the credentials were rejected', { timeout: 60_000 }, async () => {
    const ref = `${locked.host}/team/private:v1`;
    await removeLocal(ref);
    const r = await c.kubectl([
      'create',
      'secret',
      'docker-registry',
      'badcred',
      `--docker-server=${locked.host}`,
      `--docker-username=${USER}`,
      '--docker-password=wrong',
    ]);
    assert.equal(r.code, 0, r.stderr);
    await apply(pod('auth-bad', ref, { spec: { imagePullSecrets: [{ name: 'badcred' }] } }));
    const w = await waiting('auth-bad', 'ErrImagePull');
    assert.match(
      w.message,
      /^Failed to pull image "[^"]+": unauthorized \(authentication failed: 127\.0\.0\.1:\d+ rejected the credentials from Secret default\/badcred \(user "alice"\): check the username and password in that Secret\)$/,
    );
    await waiting('auth-bad', 'ImagePullBackOff');
    await del('auth-bad');
  });
});
