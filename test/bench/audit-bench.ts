// npm run bench -- audit [--rounds N] [--wait-quiet MINUTES]: the audit log's cost alone (the
// same figures `bench -- api` ends with, cheap to repeat): request latency, throughput and CPU
// per request with the default policy writing to a file vs no auditor, on one server in
// alternating rounds. "off" is the floor: what a cluster without --audit-policy pays. A figure
// taken while the machine is busy says little, so the load average is printed beside it, and
// --wait-quiet waits (up to MINUTES) for the 1-minute load to fall below the core count first.
import { availableParallelism, loadavg } from 'node:os';
import { runAuditCompare } from './audit-compare';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
};
const rounds = arg('--rounds') ?? 6;
const waitMin = arg('--wait-quiet') ?? 0;
const cores = availableParallelism();
const load = () => loadavg()[0];

const deadline = Date.now() + waitMin * 60_000;
while (load() >= cores && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5000));
const before = load();
const f = await runAuditCompare((l) => console.log(l), rounds);
const after = load();
const quiet = Math.max(before, after) < cores;
const pct = (on: number, off: number) => {
  const p = ((on - off) / off) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;
};
console.log('');
console.log(`audit overhead (figure: on − off, beside the floor 0)`);
console.log(`  get p50          ${pct(f.getP50.on, f.getP50.off)}`);
console.log(`  CPU per get      ${pct(f.cpuPerGet.on, f.cpuPerGet.off)}`);
console.log(`  CPU per create   ${pct(f.cpuPerCreate.on, f.cpuPerCreate.off)}`);
console.log(`  creates/s        ${pct(f.createsPerS.on, f.createsPerS.off)}`);
console.log(
  `  load average ${before.toFixed(1)} → ${after.toFixed(1)} on ${cores} cores: ${quiet ? 'quiet' : 'NOT quiet (figures are indicative only; rerun with --wait-quiet 30)'}`,
);
