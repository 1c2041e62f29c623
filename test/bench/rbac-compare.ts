// The API's cost of RBAC: the same requests from a ServiceAccount token with edit's rules (so RBAC
// evaluates rules rather than the system:masters short cut), RBAC on and off on one server,
// switched between the halves of alternating rounds so both see the same machine and instance.
// Printed as ratios (target >= 0.95).
import { Agent, request } from 'node:https';
import { startApiFixture, type ApiFixture } from '../integration/api-fixture';

type Out = (line: string) => void;
const ROUNDS = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function prepare(f: ApiFixture) {
  const admin = new Agent({ keepAlive: true, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const call = (agent: Agent, method: string, path: string, body?: unknown, token?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      const req = request(`${f.server.url}${path}`, { method, agent, headers }, (res) => {
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
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  // A cluster with some policy in it: 30 namespaces each with a Role and a binding.
  for (let i = 0; i < 30; i++) {
    await must(call(admin, 'POST', '/api/v1/namespaces', { metadata: { name: `other-${i}` } }), 201);
    await must(
      call(admin, 'POST', `${rbac}/namespaces/other-${i}/roles`, {
        metadata: { name: 'r' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
      }),
      201,
    );
    await must(
      call(admin, 'POST', `${rbac}/namespaces/other-${i}/rolebindings`, {
        metadata: { name: 'b' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
        subjects: [{ kind: 'User', name: `user-${i}` }],
      }),
      201,
    );
  }
  await must(call(admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } }), 201);
  await must(call(admin, 'POST', '/api/v1/namespaces/bench/serviceaccounts', { metadata: { name: 'bench' } }), 201);
  // edit's rules, as aggregation gives them to edit (no aggregation controller runs here).
  for (const role of ['system:aggregate-to-edit', 'system:aggregate-to-view']) {
    await must(
      call(admin, 'POST', `${rbac}/namespaces/bench/rolebindings`, {
        metadata: { name: role.replace(/:/g, '-') },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: 'bench', namespace: 'bench' }],
      }),
      201,
    );
  }
  await must(call(admin, 'POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: 'cm' }, data: { k: 'v' } }), 201);
  const tr = await must(call(admin, 'POST', '/api/v1/namespaces/bench/serviceaccounts/bench/token', { spec: {} }), 201);
  const token = (JSON.parse(tr.text) as { status: { token: string } }).status.token;
  admin.destroy();
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: f.pki.caCert });
  let n = 0;
  return {
    /** Sequential GETs: per-request latencies. */
    async gets(count: number) {
      const xs: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        await must(call(agent, 'GET', '/api/v1/namespaces/bench/configmaps/cm', undefined, token), 200);
        xs.push(performance.now() - t);
      }
      return xs;
    },
    /** Creates, 16 in flight: requests per second. */
    async creates(count: number) {
      let left = count;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (left-- > 0) {
            await must(
              call(agent, 'POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: `c-${n++}` }, data: { k: 'v' } }, token),
              201,
            );
          }
        }),
      );
      return count / ((performance.now() - t) / 1000);
    },
    close: () => agent.destroy(),
  };
}

export async function runRbacCompare(out: Out) {
  const f = await startApiFixture();
  try {
    const s = await prepare(f);
    const rbac = (on: boolean) => f.server.core.authorization.setEnabled(on);
    await s.gets(300);
    const get = { on: [] as number[], off: [] as number[] };
    // CPU time per GET (client and server share this process; the client's part is the same on
    // both sides): steadier than wall time on a shared machine.
    const cpu = { on: [] as number[], off: [] as number[] };
    const create = { on: [] as number[], off: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // The same server, RBAC switched between halves; which half goes first alternates.
      for (const on of round % 2 ? [false, true] : [true, false]) {
        rbac(on);
        const side = on ? 'on' : 'off';
        const cpu0 = process.cpuUsage();
        get[side].push(median(await s.gets(500)));
        const used = process.cpuUsage(cpu0);
        cpu[side].push((used.user + used.system) / 500 / 1000);
        create[side].push(await s.creates(500));
      }
    }
    rbac(true);
    s.close();
    const m = (xs: { on: number[]; off: number[] }) => ({ on: median(xs.on), off: median(xs.off) });
    const [g, c, p] = [m(get), m(cpu), m(create)];
    out('');
    out(`RBAC on vs off (one server, a ServiceAccount token with edit's rules; ${ROUNDS} alternating rounds, medians; target >= 0.95)`);
    out(`  get p50, sequential   on ${g.on.toFixed(3)} ms | off ${g.off.toFixed(3)} ms   off/on ${(g.off / g.on).toFixed(3)}`);
    out(`  CPU per get           on ${c.on.toFixed(3)} ms | off ${c.off.toFixed(3)} ms   off/on ${(c.off / c.on).toFixed(3)}`);
    out(`  creates/s, 16 in flight   on ${p.on.toFixed(0)} /s | off ${p.off.toFixed(0)} /s   on/off ${(p.on / p.off).toFixed(3)}`);
  } finally {
    await f.close();
  }
}
