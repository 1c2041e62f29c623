// Kubernetes Status errors, shaped and worded as kube-apiserver returns them.
import type { FieldError } from '../kinds/types';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): object {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods "x"` or `deployments.apps "x"` as Kubernetes names a resource in messages. */
export function qualified(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const errors = {
  badRequest: (message: string, causes?: StatusCause[]) => new ApiError(400, 'BadRequest', message, causes ? { causes } : undefined),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string, details?: StatusDetails) => new ApiError(403, 'Forbidden', message, details),
  notFound: (group: string, plural: string, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(group, plural)} "${name}" not found`, { name, group: group || undefined, kind: plural }),
  notFoundPath: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new ApiError(405, 'MethodNotAllowed', message, {}),
  alreadyExists: (group: string, plural: string, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(group, plural)} "${name}" already exists`, {
      name,
      group: group || undefined,
      kind: plural,
    }),
  conflict: (
    group: string,
    plural: string,
    name: string,
    why = 'the object has been modified; please apply your changes to the latest version and try again',
  ) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(group, plural)} "${name}": ${why}`, {
      name,
      group: group || undefined,
      kind: plural,
    }),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  tooLarge: () => new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
  unsupportedMediaType: (type: string) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml${type ? '' : ''}`,
    ),
  notAcceptable: () =>
    new ApiError(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io',
    ),
  invalid: (kind: string, group: string, name: string, errs: FieldError[]) => {
    const what = group ? `${kind}.${group}` : kind;
    const list = errs.map((e) => `${e.field}: ${e.message}`);
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    return new ApiError(422, 'Invalid', `${what} "${name}" is invalid: ${summary}`, {
      name,
      group: group || undefined,
      kind,
      causes: errs.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
    });
  },
  tooManyRequests: (message: string, retryAfterSeconds?: number) =>
    new ApiError(429, 'TooManyRequests', message, retryAfterSeconds ? { retryAfterSeconds } : {}),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  serviceUnavailable: (message: string) => new ApiError(503, 'ServiceUnavailable', message),
};
