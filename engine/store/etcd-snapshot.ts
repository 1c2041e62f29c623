// etcd snapshots: save streams the backend of one member through the maintenance API (the
// stream ends with etcd's SHA-256 of it, which a restore checks), like `etcdctl snapshot save`.
// Restore is an offline step that builds a new member data dir from the file: etcd's own code
// does that (`etcdctl snapshot restore`, etcd-client package), so we drive it rather than
// write bbolt and WAL files ourselves.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { StoreError, UnavailableError } from './types';

export async function saveEtcdSnapshot(
  endpoints: string[],
  file: string,
  timeoutMs = 60_000,
): Promise<{ revision: number; bytes: number }> {
  // One member is enough: every member holds the whole keyspace.
  const client = new Etcd3({ hosts: endpoints });
  const tmp = `${file}.part-${process.pid}`;
  try {
    const stream = await client.maintenance.snapshot({ deadline: Date.now() + timeoutMs }).catch((err: Error) => {
      throw new UnavailableError(`cannot reach etcd at ${endpoints.join(', ')}: ${err.message}`);
    });
    const out = createWriteStream(tmp, { mode: 0o600 });
    let revision = 0;
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (r) => {
        if (!revision) revision = Number(r.header?.revision ?? 0);
        bytes += r.blob.length;
        out.write(r.blob);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve());
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (bytes === 0) throw new StoreError('etcd sent an empty snapshot');
    renameSync(tmp, file);
    return { revision, bytes };
  } finally {
    rmSync(tmp, { force: true });
    client.close();
  }
}

export interface EtcdRestoreOptions {
  file: string;
  /** The new member's data dir (must not exist). */
  dataDir: string;
  /** Member name and cluster, as the etcd started on dataDir will be given them. */
  name?: string;
  initialCluster?: string;
  initialAdvertisePeerUrls?: string;
  etcdctl?: string;
}

/** The etcdctl binary (SKIFF_ETCDCTL_BIN or /usr/bin/etcdctl), or undefined. */
export function findEtcdctl(): string | undefined {
  return [process.env.SKIFF_ETCDCTL_BIN, '/usr/bin/etcdctl'].find((p): p is string => !!p && existsSync(p));
}

export async function restoreEtcdSnapshot(o: EtcdRestoreOptions): Promise<void> {
  const bin = o.etcdctl ?? findEtcdctl();
  if (!bin) throw new StoreError('etcdctl is not installed (Debian: apt-get install etcd-client; or set SKIFF_ETCDCTL_BIN)');
  if (existsSync(o.dataDir)) throw new StoreError(`${o.dataDir} already exists: an etcd member dir is built new`);
  const name = o.name ?? 'default';
  const peer = o.initialAdvertisePeerUrls ?? 'http://localhost:2380';
  const args = ['snapshot', 'restore', o.file, '--data-dir', o.dataDir, '--name', name];
  args.push('--initial-cluster', o.initialCluster ?? `${name}=${peer}`, '--initial-advertise-peer-urls', peer);
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const p = spawn(bin, args, { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('error', (e) => resolve({ code: -1, text: e.message }));
    p.on('close', (code) => resolve({ code, text }));
  });
  if (out.code !== 0) {
    const why = out.text.trim().split('\n').filter(Boolean).pop() ?? `exit ${out.code}`;
    throw new StoreError(`etcdctl snapshot restore failed: ${why}`);
  }
}
