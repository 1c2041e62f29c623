// Kubernetes Status objects (and transport failures) turned into messages a person can act on.
import type { KubeStatus, StatusCause } from './types';

export class K8sError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    readonly hint: string,
    readonly causes: StatusCause[] = [],
    readonly status?: KubeStatus,
  ) {
    super(message);
    this.name = 'K8sError';
  }
}

export function isStatus(body: unknown): body is KubeStatus {
  return !!body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status';
}

function hintFor(code: number, reason: string, what: string, message = ''): string {
  if (/unknown field|duplicate field/.test(message)) return 'Remove or correct the field named (check its spelling and indentation).';
  if (/parse requirement|selector/i.test(message) && code === 400) return 'Fix the selector: e.g. app=web, tier in (a,b), !canary.';
  if (code === 503 || reason === 'ServiceUnavailable')
    return 'The cluster cannot be reached. Check that it is running (start it from the cluster menu) or that its server address answers.';
  if (code === 401 || reason === 'Unauthorized')
    return 'The cluster did not accept the credentials of this profile. Re-import the kubeconfig or refresh its token.';
  const lack = code === 403 ? forbiddenWords(message) : undefined;
  if (lack) return `${lack}. Ask a cluster admin for the RBAC permission, or use another profile.`;
  if (code === 403 || reason === 'Forbidden')
    return `Your account is not allowed to do this${what ? ` on ${what}` : ''}. Ask a cluster admin for the RBAC permission, or use another profile.`;
  if (code === 404 || reason === 'NotFound') return 'It may have been deleted, or the namespace or kind does not exist on this cluster.';
  if (code === 409 && reason === 'AlreadyExists') return 'Pick another name, or edit the existing object instead.';
  if (code === 409 || reason === 'Conflict') return 'The object changed since you loaded it. Reload it and apply your change again.';
  if (code === 410 || reason === 'Expired' || reason === 'Gone') return 'The list is being reloaded.';
  if (code === 422 || reason === 'Invalid') return 'Fix the fields listed and try again.';
  if (code === 400 || reason === 'BadRequest') return 'The request was malformed; check the YAML.';
  if (code === 429 || reason === 'TooManyRequests') return 'The server is busy; try again in a moment.';
  if (code >= 500) return 'The cluster reported an internal error; try again, and check the cluster logs if it persists.';
  return '';
}

const forbiddenPattern =
  /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/;

/** Who was refused what, from upstream's Forbidden wording; resource keeps its "/subresource". */
export function parseForbidden(
  message: string,
): { user: string; verb: string; resource: string; group: string; namespace: string } | undefined {
  const m = forbiddenPattern.exec(message);
  if (!m) return undefined;
  const [, user, verb, resource, group, namespace = ''] = m;
  return { user, verb, resource, group, namespace };
}

/**
 * Upstream's Forbidden wording (User "u" cannot <verb> resource "<r>[/<sub>]" in API group "<g>"
 * in the namespace "<ns>" | at the cluster scope) said as what the user lacks, or undefined.
 */
export function forbiddenWords(message: string): string | undefined {
  const f = parseForbidden(message);
  if (!f) return undefined;
  const { user, verb, resource, group, namespace: ns } = f;
  return `You (${user}) lack ${verb} on ${resource}${group ? ` (${group})` : ''} ${ns ? `in namespace ${ns}` : 'cluster-wide'} (RBAC)`;
}

/** Builds a K8sError from an HTTP status and whatever body came back. */
export function errorFromResponse(code: number, body: unknown, what = ''): K8sError {
  if (isStatus(body)) {
    const reason = body.reason ?? '';
    const causes = body.details?.causes ?? [];
    let message = body.message || `${reason || 'Error'} (HTTP ${code})`;
    if (reason === 'Invalid' && causes.length && !message.includes(causes[0]?.message ?? '\u0000')) {
      message += ': ' + causes.map(describeCause).join('; ');
    }
    return new K8sError(message, body.code ?? code, reason, hintFor(body.code ?? code, reason, what, message), causes, body);
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 300) : '';
  const reason = code === 503 ? 'ServiceUnavailable' : code === 404 ? 'NotFound' : code === 403 ? 'Forbidden' : '';
  const message = text || `HTTP ${code}${what ? ` for ${what}` : ''}`;
  return new K8sError(message, code, reason, hintFor(code, reason, what));
}

export function describeCause(c: StatusCause): string {
  if (c.field && c.message && !c.message.includes(c.field)) return `${c.field}: ${c.message}`;
  return c.message ?? c.field ?? c.reason ?? 'invalid';
}

/** A fetch that threw (no HTTP answer at all): the host itself is gone. */
export function networkError(err: unknown): K8sError {
  const detail = err instanceof Error ? err.message : String(err);
  return new K8sError(
    `The Skiff host did not answer (${detail}).`,
    0,
    'Unreachable',
    'Is the app still running? Restart it and reload this window.',
  );
}

/** One line for status bars and toasts. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return typeof hint === 'string' && hint ? `${err.message} — ${hint}` : err.message;
  }
  return String(err);
}
