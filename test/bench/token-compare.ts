// The API's cost of service-account token revocation: the same GETs with a pod-bound token
// (so validation looks up its ServiceAccount and its Pod), the lookups on and off on one server,
// switched between the halves of alternating rounds. A writer relabels pods all along, so the
// revocation cache keeps changing and the lookups really run (a passed check is otherwise
// remembered until the cache changes). Printed as ratios (target >= 0.95); the validation alone
// (no HTTP) is printed beside them in microseconds.
import { Agent, request } from 'node:https';
import { startApiFixture } from '../integration/api-fixture';

type Out = (line: string) => void;
const ROUNDS = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runTokenCompare(out: Out) {
  const f = await startApiFixture();
  const admin = new Agent({ keepAlive: true, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const agent = new Agent({ keepAlive: true, ca: f.pki.caCert });
  const call = (a: Agent, method: string, path: string, body?: unknown, token?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      const req = request(`${f.server.url}${path}`, { method, agent: a, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const must = async (p: Promise<{ status: number; text: string }>, code: number) => {
    const r = await p;
    if (r.status !== code) throw new Error(`expected ${code}, got ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  };
  try {
    await must(call(admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'tb' } }), 201);
    await must(call(admin, 'POST', '/api/v1/namespaces/tb/serviceaccounts', { metadata: { name: 'app' } }), 201);
    // Some other pods and accounts, so the lookups are not into near-empty maps.
    for (let i = 0; i < 200; i++) {
      await must(call(admin, 'POST', '/api/v1/namespaces/tb/serviceaccounts', { metadata: { name: `sa-${i}` } }), 201);
      await must(
        call(admin, 'POST', '/api/v1/namespaces/tb/pods', {
          metadata: { name: `p-${i}` },
          spec: { serviceAccountName: 'app', containers: [{ name: 'c', image: 'busybox' }] },
        }),
        201,
      );
    }
    await must(call(admin, 'POST', '/api/v1/namespaces/tb/configmaps', { metadata: { name: 'cm' }, data: { k: 'v' } }), 201);
    await must(
      call(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/tb/rolebindings', {
        metadata: { name: 'view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:aggregate-to-view' },
        subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: 'tb' }],
      }),
      201,
    );
    const tr = await must(
      call(admin, 'POST', '/api/v1/namespaces/tb/serviceaccounts/app/token', {
        spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p-7' } },
      }),
      201,
    );
    const token = (JSON.parse(tr.text) as { status: { token: string } }).status.token;
    const authn = f.server.core.serviceAccountAuthn;
    const gets = async (count: number) => {
      const xs: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        await must(call(agent, 'GET', '/api/v1/namespaces/tb/configmaps/cm', undefined, token), 200);
        xs.push(performance.now() - t);
      }
      return xs;
    };
    /** Validation alone: µs per authenticate() call. */
    const validations = async (count: number) => {
      const t = performance.now();
      for (let i = 0; i < count; i++) if (!(await authn.authenticate(token))) throw new Error('token refused');
      return ((performance.now() - t) * 1000) / count;
    };
    // Pod writes all along: each one changes the cache, so checks are not served from memory.
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        const body = { metadata: { labels: { bump: String(writes++) } } };
        const path = `/api/v1/namespaces/tb/pods/p-${writes % 200}`;
        await new Promise<void>((resolve, reject) => {
          const req = request(
            `${f.server.url}${path}`,
            { method: 'PATCH', agent: admin, headers: { 'Content-Type': 'application/merge-patch+json' } },
            (res) => res.resume().on('end', resolve),
          );
          req.on('error', reject);
          req.end(JSON.stringify(body));
        });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await gets(300);
    await validations(10_000);
    const get = { on: [] as number[], off: [] as number[] };
    const cpu = { on: [] as number[], off: [] as number[] };
    const alone = { on: [] as number[], off: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const on of round % 2 ? [false, true] : [true, false]) {
        authn.setRevocationChecks(on);
        const side = on ? 'on' : 'off';
        const cpu0 = process.cpuUsage();
        get[side].push(median(await gets(400)));
        const used = process.cpuUsage(cpu0);
        cpu[side].push((used.user + used.system) / 400 / 1000);
        alone[side].push(await validations(20_000));
      }
    }
    authn.setRevocationChecks(true);
    writing = false;
    await writer;
    const m = (xs: { on: number[]; off: number[] }) => ({ on: median(xs.on), off: median(xs.off) });
    const [g, c, a] = [m(get), m(cpu), m(alone)];
    out('');
    out(
      `Token revocation lookups on vs off (one server, a pod-bound token, pods written meanwhile (${writes} writes); ${ROUNDS} alternating rounds, medians; target >= 0.95)`,
    );
    out(`  get p50, sequential   on ${g.on.toFixed(3)} ms | off ${g.off.toFixed(3)} ms   off/on ${(g.off / g.on).toFixed(3)}`);
    out(`  CPU per get           on ${c.on.toFixed(3)} ms | off ${c.off.toFixed(3)} ms   off/on ${(c.off / c.on).toFixed(3)}`);
    out(`  validation alone      on ${a.on.toFixed(2)} µs | off ${a.off.toFixed(2)} µs   (no HTTP; for scale)`);
  } finally {
    admin.destroy();
    agent.destroy();
    await f.close();
  }
}
