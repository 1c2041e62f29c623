// The authorizer's view of Roles, ClusterRoles and their bindings: filled from one store list
// and kept current by one store watch (informer-style). `generation` changes on every change so
// callers can drop what they derived. The embedded store publishes a commit before the write
// resolves, so a binding is in force for the very next request; over etcd the lag is the watch's.
import type { KubeObject } from '../../kinds/types';
import type { Store, Watcher } from '../../store/types';
import { decodeObject } from '../storage-keys';
import { asBinding, asRole, type BindingObject, type RoleObject } from './rbac-types';

export const RBAC_PREFIX = '/registry/rbac.authorization.k8s.io/';

export interface RbacView {
  generation: number;
  clusterRoles: Map<string, RoleObject>;
  /** `namespace/name` → Role */
  roles: Map<string, RoleObject>;
  clusterRoleBindings: BindingObject[];
  /** namespace → its RoleBindings */
  roleBindings: Map<string, BindingObject[]>;
}

export interface RbacCache {
  /** The current view (loads on first use). Read-only. */
  view(): Promise<RbacView>;
  stop(): void;
}

export function createRbacCache(store: Store): RbacCache {
  const items = new Map<string, KubeObject>();
  let generation = 0;
  let built: RbacView | undefined;
  let loading: Promise<void> | undefined;
  let watcher: Watcher | undefined;
  let stopped = false;

  function reset() {
    watcher?.close();
    watcher = undefined;
    items.clear();
    built = undefined;
    loading = undefined;
    generation++;
  }

  async function load() {
    const res = await store.list({ prefix: RBAC_PREFIX });
    items.clear();
    for (const kv of res.items) items.set(kv.key, decodeObject(kv));
    generation++;
    built = undefined;
    if (stopped) return;
    watcher = store.watch({
      prefix: RBAC_PREFIX,
      afterRevision: res.revision,
      onEvents(events) {
        for (const e of events) {
          if (e.type === 'delete') items.delete(e.kv.key);
          else items.set(e.kv.key, decodeObject(e.kv));
        }
        generation++;
        built = undefined;
      },
      onError: () => reset(),
    });
  }

  function build(): RbacView {
    const v: RbacView = { generation, clusterRoles: new Map(), roles: new Map(), clusterRoleBindings: [], roleBindings: new Map() };
    for (const [key, obj] of items) {
      const [plural, ...rest] = key.slice(RBAC_PREFIX.length).split('/');
      if (plural === 'clusterroles') v.clusterRoles.set(rest[0], asRole(obj));
      else if (plural === 'roles') v.roles.set(`${rest[0]}/${rest[1]}`, asRole(obj));
      else if (plural === 'clusterrolebindings') v.clusterRoleBindings.push(asBinding(obj));
      else if (plural === 'rolebindings') {
        let list = v.roleBindings.get(rest[0]);
        if (!list) v.roleBindings.set(rest[0], (list = []));
        list.push(asBinding(obj));
      }
    }
    return v;
  }

  return {
    async view() {
      if (stopped) throw new Error('the RBAC cache is stopped');
      await (loading ??= load().catch((e) => {
        loading = undefined;
        throw e;
      }));
      return (built ??= build());
    },
    stop() {
      stopped = true;
      reset();
    },
  };
}
