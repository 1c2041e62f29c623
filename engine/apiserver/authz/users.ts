// Groups every authenticated request carries, as upstream's authentication adds them.
import type { UserInfo } from '../../apimachinery/user-info';

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';

// By the authenticated user object: a connection's certificate user (or a static token's) is the
// same object on every request, so its group list is extended once, not per request.
const withGroup = new WeakMap<UserInfo, UserInfo>();

export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  let w = withGroup.get(u);
  if (w === undefined) withGroup.set(u, (w = addGroup(u)));
  return w;
}

function addGroup(u: UserInfo): UserInfo {
  if (u.user === 'system:anonymous') return u.groups.includes(UNAUTHENTICATED) ? u : { ...u, groups: [...u.groups, UNAUTHENTICATED] };
  return u.groups.includes(AUTHENTICATED) ? u : { ...u, groups: [...u.groups, AUTHENTICATED] };
}

/** The users Skiff's own components act as (in-process, or over HTTPS with a client certificate). */
export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';
export const CONTROLLER_MANAGER: UserInfo = { user: 'system:kube-controller-manager', groups: [AUTHENTICATED] };
export const SCHEDULER: UserInfo = { user: 'system:kube-scheduler', groups: [AUTHENTICATED] };
/** Service networking: the in-process side of the network agent (engine/network). */
export const NETWORK_AGENT: UserInfo = { user: 'system:skiff:network-agent', groups: [AUTHENTICATED] };
export const INGRESS_CONTROLLER: UserInfo = { user: 'system:skiff:ingress-controller', groups: [AUTHENTICATED] };
export const GATEWAY_CONTROLLER: UserInfo = { user: 'system:skiff:gateway-controller', groups: [AUTHENTICATED] };
/** The node manager's shared watches of Nodes and bound Pods (one for every in-process kubelet). */
export const NODE_MANAGER: UserInfo = { user: 'system:skiff:node-manager', groups: [AUTHENTICATED] };

export function nodeUser(nodeName: string): UserInfo {
  return { user: `${NODE_USER_PREFIX}${nodeName}`, groups: [NODES_GROUP, AUTHENTICATED] };
}

/** The node a user acts for (system:node:<name> in system:nodes), as upstream's NodeIdentifier. */
export function nodeNameOf(u: UserInfo): string | undefined {
  if (!u.user.startsWith(NODE_USER_PREFIX) || !u.groups.includes(NODES_GROUP)) return undefined;
  return u.user.slice(NODE_USER_PREFIX.length) || undefined;
}

/** A ServiceAccount's user, as a token of it authenticates (the controllers act as theirs in kube-system). */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, AUTHENTICATED],
  };
}
