/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- a stored pod's spec is untyped JSON, read field by field */
// What each node may read, as upstream's node authorizer graph: a pod bound to a node links it
// to the pod's Secrets, ConfigMaps, PersistentVolumeClaims (and their bound PersistentVolumes)
// and ServiceAccount. Filled from one store list per prefix and kept current by the store's
// watch; the embedded store publishes a commit before the write resolves, so a pod bound just
// now is in the graph for its kubelet's next request (over etcd the lag is the watch's, as with
// upstream's informers). Loads on first use: clusters without node users never pay for it.
import type { KubeObject } from '../../kinds/types';
import type { Store, Watcher } from '../../store/types';
import { decodeObject } from '../storage-keys';

export type GraphResource = 'pods' | 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'serviceaccounts' | 'persistentvolumes';

export interface NodeGraph {
  /** Whether a pod bound to `node` uses the object (PersistentVolumes: through a bound claim). */
  reaches(node: string, resource: GraphResource, namespace: string, name: string): Promise<boolean>;
  stop(): void;
}

const PODS = '/registry/pods/';
const CLAIMS = '/registry/persistentvolumeclaims/';

export function createNodeGraph(store: Store): NodeGraph {
  /** pod key → its node and the keys of what it references */
  const pods = new Map<string, { node: string; refs: string[] }>();
  /** `resource/ns/name` → node → how many of its pods use it */
  const users = new Map<string, Map<string, number>>();
  /** PV name → claim keys (`persistentvolumeclaims/ns/name`) bound to it */
  const claimsOfVolume = new Map<string, Set<string>>();
  const volumeOfClaim = new Map<string, string>();
  let loading: Promise<void> | undefined;
  const watchers: Watcher[] = [];
  let stopped = false;

  function count(node: string, refs: string[], by: number) {
    for (const r of refs) {
      let m = users.get(r);
      if (!m) users.set(r, (m = new Map()));
      const n = (m.get(node) ?? 0) + by;
      if (n > 0) m.set(node, n);
      else m.delete(node);
      if (!m.size) users.delete(r);
    }
  }

  function setPod(key: string, pod: KubeObject | undefined) {
    const old = pods.get(key);
    if (old) count(old.node, old.refs, -1);
    pods.delete(key);
    const node = pod?.spec?.nodeName;
    if (!pod || !node) return;
    const refs = podReferences(pod);
    pods.set(key, { node, refs });
    count(node, refs, 1);
  }

  function setClaim(key: string, claim: KubeObject | undefined) {
    const id = `persistentvolumeclaims/${key.slice(CLAIMS.length)}`;
    const old = volumeOfClaim.get(id);
    if (old) {
      claimsOfVolume.get(old)?.delete(id);
      if (!claimsOfVolume.get(old)?.size) claimsOfVolume.delete(old);
      volumeOfClaim.delete(id);
    }
    const pv = claim?.spec?.volumeName;
    if (!pv) return;
    volumeOfClaim.set(id, pv);
    let s = claimsOfVolume.get(pv);
    if (!s) claimsOfVolume.set(pv, (s = new Set()));
    s.add(id);
  }

  function reset() {
    for (const w of watchers.splice(0)) w.close();
    pods.clear();
    users.clear();
    claimsOfVolume.clear();
    volumeOfClaim.clear();
    loading = undefined;
  }

  // A bound pod's references never change (its spec is immutable but for ephemeral containers):
  // its status writes, the kubelets' hot path, are recognised without parsing them.
  const samePod = (key: string, value: string) => {
    const known = pods.get(key);
    return !!known && value.includes(`"nodeName":"${known.node}"`) && !value.includes('"ephemeralContainers"');
  };

  async function follow(prefix: string, set: (key: string, obj: KubeObject | undefined) => void) {
    const res = await store.list({ prefix });
    for (const kv of res.items) set(kv.key, decodeObject(kv));
    if (stopped) return;
    watchers.push(
      store.watch({
        prefix,
        afterRevision: res.revision,
        onEvents(events) {
          for (const e of events) {
            if (e.type === 'delete') set(e.kv.key, undefined);
            else if (prefix !== PODS || !samePod(e.kv.key, e.kv.value)) set(e.kv.key, decodeObject(e.kv));
          }
        },
        onError: () => reset(),
      }),
    );
  }

  const used = (node: string, ref: string) => (users.get(ref)?.get(node) ?? 0) > 0;

  return {
    async reaches(node, resource, namespace, name) {
      if (stopped) throw new Error('the node graph is stopped');
      await (loading ??= Promise.all([follow(PODS, setPod), follow(CLAIMS, setClaim)]).then(
        () => {},
        (e) => {
          reset();
          throw e;
        },
      ));
      if (resource === 'pods') return pods.get(`${PODS}${namespace}/${name}`)?.node === node;
      if (resource === 'persistentvolumes') {
        for (const claim of claimsOfVolume.get(name) ?? []) if (used(node, claim)) return true;
        return false;
      }
      return used(node, `${resource}/${namespace}/${name}`);
    },
    stop() {
      stopped = true;
      reset();
    },
  };
}

interface EnvSource {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

/** Keys (`resource/ns/name`) of what a pod references, as upstream's VisitPodSecretNames,
 *  VisitPodConfigmapNames, its claims (generic ephemeral ones included) and ServiceAccount. */
export function podReferences(pod: KubeObject): string[] {
  const ns = pod.metadata.namespace ?? '';
  const out = new Set<string>();
  const add = (resource: string, name: unknown) => {
    if (typeof name === 'string' && name) out.add(`${resource}/${ns}/${name}`);
  };
  const spec = pod.spec ?? {};
  add('serviceaccounts', spec.serviceAccountName);
  for (const s of spec.imagePullSecrets ?? []) add('secrets', s?.name);
  const containers: EnvSource[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      add('secrets', e.valueFrom?.secretKeyRef?.name);
      add('configmaps', e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add('secrets', e.secretRef?.name);
      add('configmaps', e.configMapRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    add('secrets', v.secret?.secretName);
    add('configmaps', v.configMap?.name);
    add('persistentvolumeclaims', v.persistentVolumeClaim?.claimName);
    if (v.ephemeral && v.name) add('persistentvolumeclaims', `${pod.metadata.name}-${v.name}`);
    for (const src of v.projected?.sources ?? []) {
      add('secrets', src?.secret?.name);
      add('configmaps', src?.configMap?.name);
    }
    // Volume plugins that name a Secret for credentials (csi, flexVolume, iscsi, rbd, cephfs, ...).
    for (const source of Object.values(v as Record<string, unknown>)) {
      if (!source || typeof source !== 'object') continue;
      const s = source as { secretRef?: { name?: string }; nodePublishSecretRef?: { name?: string } };
      add('secrets', s.secretRef?.name);
      add('secrets', s.nodePublishSecretRef?.name);
    }
  }
  return [...out];
}
