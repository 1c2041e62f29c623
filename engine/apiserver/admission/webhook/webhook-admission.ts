// The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins. Mutating webhooks run one
// after another (configurations in name order), each seeing the previous one's patch; a webhook
// with reinvocationPolicy IfNeeded runs once more when a later webhook changed the object.
// Validating webhooks run in parallel on the final, validated object; the first refusal (in
// order) wins.
// matchConditions (CEL) must all hold for a webhook to be called; one that fails to evaluate
// refuses the request under failurePolicy Fail and skips the webhook under Ignore.
import type { KindDef, KubeObject } from '../../../kinds/types';
import { apiVersionOf } from '../../../kinds/defs/registry';
import { errors } from '../../status';
import type { Admission } from '../../resource-store';
import type { AdmissionRequest } from '../admission-request';
import { applyWebhookPatch } from './apply-webhook-patch';
import { matchConditionsHold } from './match-conditions';
import { createCelAuthorizer, type AuthorizeFn } from '../cel-authorizer';
import { CelCompileError, CelEvalError } from '../../../apimachinery/cel/cel';
import { callWebhook, type CallDeps } from './call-webhook';
import { isExemptFromWebhooks, rulesMatch } from './rules-match';
import { namespaceSelectorMatches, objectSelectorMatches } from './selectors-match';
import { WebhookCallError, callFailed, denied } from './webhook-errors';
import { attributesOf, type AdmissionAttributes, type Operation, type Webhook, type WebhookEntry } from './types';
import type { AdmissionResult } from './admission-review';

export interface WebhookAdmissionDeps extends CallDeps {
  /** Every webhook of the mutating or validating configurations, configurations in name order. */
  webhooks(kind: 'mutating' | 'validating'): Promise<WebhookEntry[]>;
  namespaceLabels(name: string): Promise<Record<string, string> | undefined>;
  /** The cluster's authorizer, for `authorizer` in matchConditions (without one, every check errors). */
  authorize?: AuthorizeFn;
  log?: (line: string) => void;
}

export function createWebhookAdmission(deps: WebhookAdmissionDeps): { mutating: Admission; validating: Admission } {
  const log = deps.log ?? (() => {});
  const celAuthorizer = createCelAuthorizer(deps.authorize);

  async function selected(w: Webhook, a: AdmissionAttributes): Promise<boolean> {
    if (!rulesMatch(w, a)) return false;
    try {
      if (!objectSelectorMatches(w, a) || !(await namespaceSelectorMatches(w, a, (ns) => deps.namespaceLabels(ns)))) return false;
    } catch (e) {
      throw errors.internal(`webhook ${JSON.stringify(w.name)}: ${(e as Error).message}`);
    }
    try {
      if (!w.matchConditions?.length) return true;
      return await celAuthorizer.withAuthorizer(a, (authorizer) => matchConditionsHold(w, a, authorizer));
    } catch (e) {
      if (!(e instanceof CelEvalError || e instanceof CelCompileError)) throw e;
      if (w.failurePolicy === 'Ignore') return false;
      throw errors.internal(`failed calling webhook ${JSON.stringify(w.name)}: ${e.message}`);
    }
  }

  /** Calls one webhook; undefined when it failed and its failurePolicy is Ignore. */
  async function call(
    w: Webhook,
    a: AdmissionAttributes,
    mutating: boolean,
    request?: AdmissionRequest,
  ): Promise<AdmissionResult | undefined> {
    let result: AdmissionResult;
    try {
      result = await callWebhook(deps, w, a, mutating);
    } catch (e) {
      if (!(e instanceof WebhookCallError)) throw e;
      if (w.failurePolicy === 'Ignore') {
        log(`admission: failed calling webhook, failing open ${w.name}: ${e.message}`);
        return undefined;
      }
      throw callFailed(e);
    }
    for (const warning of result.warnings) request?.warn(warning);
    if (!result.allowed) throw denied(a, w.name, result.status);
    return result;
  }

  async function mutate(
    def: KindDef,
    obj: KubeObject,
    hooks: WebhookEntry[],
    a: AdmissionAttributes,
    request?: AdmissionRequest,
  ): Promise<void> {
    obj.apiVersion ??= apiVersionOf(def);
    obj.kind ??= def.kind;
    const sinceChange: Webhook[] = [];
    const reinvoke = new Set<Webhook>();
    for (const { webhook: w } of hooks) {
      if (!(await selected(w, a))) continue;
      const result = await call(w, a, true, request);
      if (result?.patch && applyWebhookPatch(w.name, def, obj, result.patch)) {
        for (const earlier of sinceChange) reinvoke.add(earlier);
        sinceChange.length = 0;
      }
      if (w.reinvocationPolicy === 'IfNeeded') sinceChange.push(w);
    }
    // One more pass for IfNeeded webhooks a later webhook changed the object after.
    for (const { webhook: w } of hooks) {
      if (!reinvoke.has(w) || !(await selected(w, a))) continue;
      const result = await call(w, a, true, request);
      if (result?.patch) applyWebhookPatch(w.name, def, obj, result.patch);
    }
  }

  async function validate(hooks: WebhookEntry[], a: AdmissionAttributes, request?: AdmissionRequest): Promise<void> {
    const chosen: Webhook[] = [];
    for (const { webhook: w } of hooks) if (await selected(w, a)) chosen.push(w);
    const outcomes = await Promise.allSettled(chosen.map((w) => call(w, a, false, request)));
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (refused) throw refused.reason;
  }

  /** Mutating webhooks on DELETE and CONNECT: called, but there is no object they may change. */
  async function callUnchanging(a: AdmissionAttributes, request?: AdmissionRequest): Promise<void> {
    for (const { webhook: w } of await deps.webhooks('mutating')) {
      if (!(await selected(w, a))) continue;
      const result = await call(w, a, true, request);
      const patch = result?.patch?.toString('utf8').replace(/\s/g, '') ?? '';
      if (patch && patch !== '[]') {
        throw errors.internal(
          `admission webhook ${JSON.stringify(w.name)} attempted to modify the object, which is not supported for this operation`,
        );
      }
    }
  }

  const operationOf = (old: KubeObject | undefined): Operation => (old ? 'UPDATE' : 'CREATE');

  return {
    mutating: {
      async admit(def, obj, old, dryRun, request, subresource) {
        if (isExemptFromWebhooks(def)) return;
        // Every write comes here: with no webhook configured, nothing more is built.
        const hooks = await deps.webhooks('mutating');
        if (!hooks.length) return;
        await mutate(def, obj, hooks, attributesOf(def, obj, old, operationOf(old), dryRun, request, subresource), request);
      },
      async admitDelete(def, obj, dryRun, request) {
        if (isExemptFromWebhooks(def)) return;
        await callUnchanging(attributesOf(def, undefined, obj, 'DELETE', dryRun, request), request);
      },
      async admitConnect(def, target, options, subresource, request) {
        await callUnchanging(attributesOf(def, options, undefined, 'CONNECT', false, request, subresource, target), request);
      },
    },
    validating: {
      admit: () => Promise.resolve(),
      async admitValid(def, obj, old, dryRun, request, subresource) {
        if (isExemptFromWebhooks(def)) return;
        const hooks = await deps.webhooks('validating');
        if (!hooks.length) return;
        await validate(hooks, attributesOf(def, obj, old, operationOf(old), dryRun, request, subresource), request);
      },
      async admitDelete(def, obj, dryRun, request) {
        if (isExemptFromWebhooks(def)) return;
        const hooks = await deps.webhooks('validating');
        if (!hooks.length) return;
        await validate(hooks, attributesOf(def, undefined, obj, 'DELETE', dryRun, request), request);
      },
      async admitConnect(def, target, options, subresource, request) {
        const hooks = await deps.webhooks('validating');
        if (!hooks.length) return;
        await validate(hooks, attributesOf(def, options, undefined, 'CONNECT', false, request, subresource, target), request);
      },
    },
  };
}
