// npm run bench -- fuzz [count] [seed]: at least 10,000 seeded malformed requests (bodies, paths,
// queries, patches, protobuf, headers) against an API server process; prints crashes and 5xx
// beside their floor (0), the answers by status, and the first offenders.
import { runFuzz } from '../security/testing/fuzz-runner';

const count = Math.max(10_000, Number(process.argv[2] ?? 10_000));
const seed = Number(process.argv[3] ?? 20261205);
const started = performance.now();
const r = await runFuzz({ seed, count, batch: 250, progress: (done) => done % 2500 === 0 && console.error(`  ${done} requests`) });
const secs = (performance.now() - started) / 1000;
const statuses = [...r.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
console.log('');
console.log(`fuzz benchmark (seed ${seed}; figure | floor)`);
console.log(`  requests                           ${r.requests} in ${secs.toFixed(1)} s (${(r.requests / secs).toFixed(0)}/s)`);
console.log(`  crashes (process exited)           ${r.crashes}   | 0`);
console.log(`  /readyz failures after a batch     ${r.notReady}   | 0`);
console.log(`  5xx answers                        ${r.serverErrors.length}   | 0`);
console.log(`  4xx answers without a Status       ${r.notStatus.length}   | 0`);
console.log(`  no answer within 15 s              ${r.timeouts.length}   | 0`);
console.log(`  unsendable (client refused)        ${r.unsendable}`);
console.log(`  answers by status                  ${statuses.join(', ')}`);
for (const e of [...r.serverErrors, ...r.notStatus].slice(0, 10)) console.log(`    ${e.status} ${e.request}\n      ${e.body}`);
for (const t of r.timeouts.slice(0, 5)) console.log(`    timeout ${t}`);
for (const l of r.internalErrorLogs.slice(0, 10)) console.log(`    log: ${l.slice(0, 300)}`);
const bad = r.crashes + r.notReady + r.serverErrors.length + r.notStatus.length + r.timeouts.length;
process.exit(bad ? 1 : 0);
