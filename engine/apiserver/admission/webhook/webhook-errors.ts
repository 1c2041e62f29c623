// How webhook outcomes reach the client, worded as upstream: a denial keeps the webhook's code
// and message ("<resource> \"name\" is forbidden: admission webhook \"x\" denied the request: ..."),
// a failed call under failurePolicy Fail is a 500 ("failed calling webhook ..."), and a dry run
// reaching a webhook with side effects is a 400.
import { ApiError } from '../../status';
import type { AdmissionResult } from './admission-review';
import type { AdmissionAttributes } from './types';

/** A webhook that could not be called or answered badly: subject to failurePolicy. */
export class WebhookCallError extends Error {
  constructor(
    readonly webhook: string,
    reason: string,
  ) {
    super(`failed calling webhook ${JSON.stringify(webhook)}: ${reason}`);
  }
}

export function callFailed(e: WebhookCallError): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${e.message}`, { causes: [{ message: e.message }] });
}

export function dryRunUnsupported(webhook: string): ApiError {
  return new ApiError(400, 'BadRequest', `admission webhook ${JSON.stringify(webhook)} does not support dry run`);
}

/** Upstream's ToStatusErr: the webhook's status, sanitized and prefixed. */
export function denied(a: AdmissionAttributes, webhook: string, status: AdmissionResult['status']): ApiError {
  const code = typeof status?.code === 'number' && status.code > 0 ? status.code : 403;
  const by = `admission webhook ${JSON.stringify(webhook)} denied the request`;
  const why = status?.message ? `${by}: ${status.message}` : status?.reason ? `${by}: ${status.reason}` : `${by} without explanation`;
  const name = a.name || 'Unknown';
  const resource = a.def.group ? `${a.def.plural}.${a.def.group}` : a.def.plural;
  const internal = code === 500;
  const message = `${internal ? 'Internal error occurred' : `${resource} ${JSON.stringify(name)} is forbidden`}: ${why}`;
  const reason = status?.reason || (internal ? 'InternalError' : 'Forbidden');
  const details = internal ? { causes: [{ message: why }] } : { name, group: a.def.group || undefined, kind: a.def.plural };
  return new ApiError(code, reason, message, details);
}
