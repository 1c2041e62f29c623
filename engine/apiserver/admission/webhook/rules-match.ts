// Whether a webhook's rules select a request (upstream's rules.Matcher): operation, API group,
// version, resource with subresource ("pods", "pods/status", "*/scale", "*", "*/*") and scope.
// The admissionregistration kinds themselves are never sent to webhooks, as upstream exempts
// them, so a broken webhook cannot stop anyone from fixing or removing its configuration.
import type { KindDef } from '../../../kinds/types';
import type { AdmissionAttributes, Webhook, WebhookRule } from './types';

const EXEMPT_GROUP = 'admissionregistration.k8s.io';

export function isExemptFromWebhooks(def: KindDef): boolean {
  return def.group === EXEMPT_GROUP;
}

const has = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);

function resourceMatches(rule: WebhookRule, plural: string, subresource: string): boolean {
  return (rule.resources ?? []).some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === plural) && (sub === '*' || sub === subresource);
  });
}

function scopeMatches(rule: WebhookRule, def: KindDef): boolean {
  const scope = rule.scope ?? '*';
  if (scope === '*') return true;
  return scope === 'Namespaced' ? def.namespaced : !def.namespaced;
}

export function ruleMatches(rule: WebhookRule, a: AdmissionAttributes): boolean {
  return (
    has(rule.operations, a.operation) &&
    has(rule.apiGroups, a.def.group) &&
    has(rule.apiVersions, a.def.version) &&
    resourceMatches(rule, a.def.plural, a.subresource) &&
    scopeMatches(rule, a.def)
  );
}

/** Any rule matching selects the request; a webhook without rules matches nothing. */
export function rulesMatch(webhook: Webhook, a: AdmissionAttributes): boolean {
  if (isExemptFromWebhooks(a.def)) return false;
  return (webhook.rules ?? []).some((r) => ruleMatches(r, a));
}
