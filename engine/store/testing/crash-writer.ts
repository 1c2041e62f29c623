// Child process for sqlite-crash.test.ts: creates keys as fast as it can (16 in flight) and
// prints "<key> <modRevision>" for each create only after the store acknowledged it.
import { openSqliteStore } from '../sqlite-store';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.ts <db path>');
const store = openSqliteStore({ path });
let next = 0;

async function worker(): Promise<void> {
  for (;;) {
    const key = `/crash/${String(next++).padStart(8, '0')}`;
    const kv = await store.create(key, JSON.stringify({ n: next, pad: 'x'.repeat(200) }));
    // stdout to a pipe is synchronous on Linux: the line is in the pipe before the next write.
    process.stdout.write(`${kv.key} ${kv.modRevision}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 16 }, worker));
