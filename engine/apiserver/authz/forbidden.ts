// Forbidden answers in kube-apiserver's words (responsewriters.Forbidden + apierrors.NewForbidden):
//   pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"
import { ApiError, errors, qualified } from '../status';
import type { Attributes } from './request-info';

export function forbiddenMessage(a: Attributes): string {
  const user = a.user.user;
  if (!a.resourceRequest) return `User "${user}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
}

/** `reason` (optional) follows the message after a colon, as upstream appends the authorizer's reason. */
export function forbidden(a: Attributes, reason = ''): ApiError {
  const why = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  return forbiddenFor(a.apiGroup, a.resource, a.name, why);
}

/** apierrors.NewForbidden(groupResource, name, err). */
export function forbiddenFor(group: string, resource: string, name: string, why: string): ApiError {
  const what = qualified(group, resource);
  const message = !resource ? `forbidden: ${why}` : name ? `${what} "${name}" is forbidden: ${why}` : `${what} is forbidden: ${why}`;
  return errors.forbidden(message, { ...(name ? { name } : {}), group, kind: resource });
}
