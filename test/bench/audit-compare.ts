// The API's cost of the audit log: the same requests with no auditor (the default) and with the
// default policy writing to a file, on one server, switched between the halves of alternating
// rounds so both see the same machine. "off" is what every cluster without --audit-policy pays.
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { startApiFixture } from '../integration/api-fixture';
import { createAuditor } from '../../engine/apiserver/audit/auditor';
import { DEFAULT_AUDIT_POLICY, parseAuditPolicy } from '../../engine/apiserver/audit/audit-policy';
import { openAuditFile } from '../../engine/cluster/audit-log';

type Out = (line: string) => void;
const ROUNDS = 6;
/** CPU of this process (server and client share it: the difference is the server's). */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The figures, on/off medians: the off side is the floor (what no audit log costs). */
export interface AuditFigures {
  getP50: { on: number; off: number };
  cpuPerGet: { on: number; off: number };
  createsPerS: { on: number; off: number };
  cpuPerCreate: { on: number; off: number };
}

export async function runAuditCompare(out: Out, rounds = ROUNDS): Promise<AuditFigures> {
  const f = await startApiFixture();
  const file = openAuditFile(join(f.dir, 'audit.log'));
  const auditor = createAuditor(parseAuditPolicy(DEFAULT_AUDIT_POLICY), file);
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${f.server.url}${path}`, { method, agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  let n = 0;
  try {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    await call('POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: 'cm' }, data: { k: 'v' } });
    const gets = async (count: number) => {
      const xs: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        if ((await call('GET', '/api/v1/namespaces/bench/configmaps/cm')) !== 200) throw new Error('get failed');
        xs.push(performance.now() - t);
      }
      return xs;
    };
    const creates = async (count: number) => {
      let left = count;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (left-- > 0)
            await call('POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: `c-${n++}` }, data: { k: 'v' } });
        }),
      );
      return count / ((performance.now() - t) / 1000);
    };
    await gets(300);
    const get = { on: [] as number[], off: [] as number[] };
    const cpu = { on: [] as number[], off: [] as number[] };
    const create = { on: [] as number[], off: [] as number[] };
    const createCpu = { on: [] as number[], off: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const on of round % 2 ? [false, true] : [true, false]) {
        f.server.setAuditor(on ? auditor : undefined);
        const side = on ? 'on' : 'off';
        let cpu0 = process.cpuUsage();
        get[side].push(median(await gets(400)));
        cpu[side].push(cpuMs(cpu0) / 400);
        cpu0 = process.cpuUsage();
        create[side].push(await creates(300));
        createCpu[side].push(cpuMs(cpu0) / 300);
      }
    }
    const m = (xs: { on: number[]; off: number[] }) => ({ on: median(xs.on), off: median(xs.off) });
    const [g, c, p, pc] = [m(get), m(cpu), m(create), m(createCpu)];
    out('');
    out(`Audit log on (default policy, to a file) vs off (one server, system:masters; ${rounds} alternating rounds, medians)`);
    out(`  get p50, sequential   on ${g.on.toFixed(3)} ms | off ${g.off.toFixed(3)} ms   off/on ${(g.off / g.on).toFixed(3)}`);
    out(`  CPU per get           on ${c.on.toFixed(3)} ms | off ${c.off.toFixed(3)} ms   off/on ${(c.off / c.on).toFixed(3)}`);
    out(`  creates/s, 16 in flight   on ${p.on.toFixed(0)} /s | off ${p.off.toFixed(0)} /s   on/off ${(p.on / p.off).toFixed(3)}`);
    out(`  CPU per create        on ${pc.on.toFixed(3)} ms | off ${pc.off.toFixed(3)} ms   off/on ${(pc.off / pc.on).toFixed(3)}`);
    return { getP50: g, cpuPerGet: c, createsPerS: p, cpuPerCreate: pc };
  } finally {
    agent.destroy();
    f.server.setAuditor(undefined);
    await file.close();
    await f.close();
  }
}
