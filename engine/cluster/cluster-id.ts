// <data dir>/<name>/cluster-id.json: the cluster's UID, which keys its Docker objects (network,
// network agent, pod containers), so two clusters with one name under two data dirs or HOMEs
// never touch each other's. A cluster made before UIDs (cluster.json but no cluster-id.json) is
// `legacy`: it also owns the objects labelled with its name alone and keeps their names.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../pki/private-file';
import type { ClusterRef } from '../docker/names';
import { SkiffError } from './errors';

const FILE = 'cluster-id.json';

/** The cluster's identity; `create`: write a new one when the dir has none (a start). */
export function loadClusterRef(clusterDir: string, name: string, o: { create: boolean }): ClusterRef {
  const file = join(clusterDir, FILE);
  if (existsSync(file)) {
    let saved: { uid?: unknown; legacy?: unknown } | null;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as { uid?: unknown; legacy?: unknown } | null;
    } catch (e) {
      throw new SkiffError(`cannot read ${file} (${(e as Error).message})`, 'fix or remove the file');
    }
    if (typeof saved?.uid !== 'string' || !/^[0-9a-f-]{8,}$/.test(saved.uid))
      throw new SkiffError(`${file} holds no cluster UID`, 'fix or remove the file');
    return { name, uid: saved.uid, ...(saved.legacy === true ? { legacy: true } : {}) };
  }
  // cluster.json without an id: made by a Skiff that labelled Docker objects by name only.
  const legacy = existsSync(join(clusterDir, 'cluster.json'));
  const ref: ClusterRef = { name, uid: randomUUID(), ...(legacy ? { legacy: true } : {}) };
  if (o.create) writePrivateFile(file, JSON.stringify({ uid: ref.uid, ...(legacy ? { legacy: true } : {}) }, null, 2) + '\n');
  return ref;
}
