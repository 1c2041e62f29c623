// Sandbox and container IDs as Docker spells them (64 hex digits), cut from a pooled buffer of
// random bytes: each randomBytes call is a trip into the CSPRNG, and every simulated pod start
// takes two IDs (a 30,000-pod rollout, 60,000 calls).
import { randomBytes } from 'node:crypto';

const ID_BYTES = 32;
const POOL_IDS = 128;
let pool = Buffer.alloc(0);
let at = 0;

export function randomId(): string {
  if (at + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * POOL_IDS);
    at = 0;
  }
  const id = pool.toString('hex', at, at + ID_BYTES);
  at += ID_BYTES;
  return id;
}
