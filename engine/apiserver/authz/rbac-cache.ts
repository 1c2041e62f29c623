// The authorizer's view of Roles, ClusterRoles and their bindings, built from a prefix cache (one
// store list, then its watch; prefix-cache.ts) and rebuilt when that changes. `generation`
// changes on every change so callers can drop what they derived. The embedded store publishes a
// commit before the write resolves, so a binding is in force for the very next request.
import type { KubeObject } from '../../kinds/types';
import type { Store } from '../../store/types';
import { createPrefixCache } from '../prefix-cache';
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
  const cache = createPrefixCache(store, RBAC_PREFIX, 'the RBAC cache');
  let built: RbacView | undefined;

  function build(generation: number, items: ReadonlyMap<string, KubeObject>): RbacView {
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
      const { generation, items } = await cache.entries();
      if (built?.generation !== generation) built = build(generation, items);
      return built;
    },
    stop: () => cache.stop(),
  };
}
