// A throwaway 3-member etcd cluster on loopback (three etcd processes, free ports, temp dirs),
// for the HA acceptance test and bench. stop() kills every member and removes the dirs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findEtcdBinary, freeLoopbackPort } from '../../../engine/store/testing/etcd-test-server';
import { waitFor } from '../../wait-for';

export interface EtcdCluster {
  /** Client URLs of the members, in order. */
  endpoints: string[];
  stop(): Promise<void>;
}

export async function startEtcdCluster(size = 3): Promise<EtcdCluster> {
  // Ports are found free and bound later by etcd: another test (or one of our own six picks) can
  // take one in between. That is the harness's race, not etcd's: pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(size);
    } catch (e) {
      if (attempt >= 3 || !String((e as Error).message).includes('address already in use')) throw e;
    }
  }
}

async function startOnce(size: number): Promise<EtcdCluster> {
  const binary = findEtcdBinary();
  if (!binary) throw new Error('etcd binary not found (install etcd-server or set SKIFF_ETCD_BIN)');
  // Memory-backed when the machine has /dev/shm: three members fsyncing to one shared disk make
  // every write (and every Lease renewal) wait on the others' I/O.
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'skiff-etcd-ha-'));
  const token = `skiff-ha-${process.pid}-${Date.now()}`;
  const members: { name: string; client: string; peer: string }[] = [];
  for (let i = 0; i < size; i++) {
    members.push({
      name: `m${i}`,
      client: `http://127.0.0.1:${await freeLoopbackPort()}`,
      peer: `http://127.0.0.1:${await freeLoopbackPort()}`,
    });
  }
  const initial = members.map((m) => `${m.name}=${m.peer}`).join(',');
  const procs: ChildProcess[] = [];
  const logs: string[] = members.map(() => '');
  const stop = async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGKILL');
          }),
      ),
    );
    rmSync(root, { recursive: true, force: true });
  };
  members.forEach((m, i) => {
    const p = spawn(
      binary,
      [
        '--name',
        m.name,
        '--data-dir',
        join(root, m.name),
        '--listen-client-urls',
        m.client,
        '--advertise-client-urls',
        m.client,
        '--listen-peer-urls',
        m.peer,
        '--initial-advertise-peer-urls',
        m.peer,
        '--initial-cluster',
        initial,
        '--initial-cluster-token',
        token,
        '--initial-cluster-state',
        'new',
        '--logger',
        'zap',
        '--log-outputs',
        'stderr',
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    p.stderr?.on('data', (d: Buffer) => (logs[i] = (logs[i] + String(d)).slice(-2000)));
    procs.push(p);
  });
  try {
    await waitFor(
      'a healthy 3-member etcd',
      async () => {
        for (const [i, p] of procs.entries()) if (p.exitCode !== null) throw new Error(`etcd ${members[i].name} exited: ${logs[i]}`);
        const ok = await Promise.all(members.map((m) => healthy(m.client)));
        return ok.every(Boolean);
      },
      30_000,
      100,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoints: members.map((m) => m.client), stop };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}
