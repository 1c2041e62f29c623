// Groups every authenticated request carries, as upstream's authentication adds them.
import type { UserInfo } from '../../apimachinery/user-info';

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';

export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  if (u.user === 'system:anonymous') return u.groups.includes(UNAUTHENTICATED) ? u : { ...u, groups: [...u.groups, UNAUTHENTICATED] };
  return u.groups.includes(AUTHENTICATED) ? u : { ...u, groups: [...u.groups, AUTHENTICATED] };
}
