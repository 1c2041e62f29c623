// One call to one webhook: dry-run and version checks, target resolution, the HTTPS POST and
// the response check. Failures to reach or understand the webhook are WebhookCallErrors
// (failurePolicy decides); a dry run reaching a webhook with side effects is refused outright.
import { randomUUID } from 'node:crypto';
import { buildReview, reviewVersion, verifyReview, type AdmissionResult } from './admission-review';
import { resolveTarget, type ServiceLookup } from './service-resolve';
import { postReview, type PostReview } from './webhook-client';
import { WebhookCallError, dryRunUnsupported } from './webhook-errors';
import type { AdmissionAttributes, Webhook } from './types';

export interface CallDeps {
  lookup: ServiceLookup;
  post?: PostReview;
  uid?: () => string;
}

const NO_SIDE_EFFECTS_ON_DRY_RUN = ['None', 'NoneOnDryRun'];

/** Upstream's default is 10 s and the API refuses more than 30. */
export function timeoutMs(w: Webhook): number {
  return Math.min(30, Math.max(1, w.timeoutSeconds ?? 10)) * 1000;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function callWebhook(deps: CallDeps, w: Webhook, a: AdmissionAttributes, mutating: boolean): Promise<AdmissionResult> {
  if (a.dryRun) {
    if (w.sideEffects === undefined) throw new WebhookCallError(w.name, 'Webhook SideEffects is nil');
    if (!NO_SIDE_EFFECTS_ON_DRY_RUN.includes(w.sideEffects)) throw dryRunUnsupported(w.name);
  }
  const version = reviewVersion(w);
  if (!version) {
    throw new WebhookCallError(w.name, `webhook does not accept known AdmissionReview versions (v1, v1beta1)`);
  }
  const uid = (deps.uid ?? randomUUID)();
  let body: unknown;
  try {
    const target = await resolveTarget(w.clientConfig ?? {}, deps.lookup);
    body = await (deps.post ?? postReview)(target, buildReview(uid, version, a), timeoutMs(w));
  } catch (e) {
    throw new WebhookCallError(w.name, `failed to call webhook: ${messageOf(e)}`);
  }
  try {
    return verifyReview(uid, version, mutating, body);
  } catch (e) {
    throw new WebhookCallError(w.name, `received invalid webhook response: ${messageOf(e)}`);
  }
}
