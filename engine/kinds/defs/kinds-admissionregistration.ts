// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration:
// which requests the API server sends to admission webhooks (called by
// apiserver/admission/webhook/). Defaults and validation follow upstream's v1 rules.
import type { FieldError, KubeObject } from '../types';
import type { LabelSelector } from '../../apimachinery/selectors';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { child, duplicate, index, invalid, notSupported, required } from '../validation/field-errors';
import { validateLabelSelector } from '../validation/validation';
import { isDNS1123Subdomain } from '../../apimachinery/validation-strings';
import { validateMatchConditions } from './kinds-admission-policy';

export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: '*' | 'Cluster' | 'Namespaced';
}

export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  port?: number;
}

export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** Base64 of PEM CA certificates; absent means the system roots. */
  caBundle?: string;
}

/** One webhook of either configuration kind (reinvocationPolicy is the mutating kind's). */
export interface Webhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: WebhookRule[];
  failurePolicy?: 'Fail' | 'Ignore';
  matchPolicy?: 'Exact' | 'Equivalent';
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: 'Never' | 'IfNeeded';
  matchConditions?: unknown[];
}

/** A configuration's webhooks ([] when absent or not a list; validation reports the latter). */
export function webhooksOf(o: KubeObject): Webhook[] {
  const hooks: unknown = o.webhooks;
  return Array.isArray(hooks) ? (hooks as Webhook[]) : [];
}

const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

function defaultWebhook(w: Webhook, mutating: boolean): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  for (const r of w.rules ?? []) if (r && typeof r === 'object') r.scope ??= '*';
  const svc = w.clientConfig?.service;
  if (svc && typeof svc === 'object') svc.port ??= 443;
}

function validateRule(r: WebhookRule, p: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['operations', 'apiGroups', 'apiVersions', 'resources'] as const) {
    const v = r?.[field];
    if (!Array.isArray(v) || v.length === 0) errs.push(required(child(p, field)));
  }
  (r?.operations ?? []).forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(notSupported(index(child(p, 'operations'), i), op, OPERATIONS));
  });
  if (r?.scope !== undefined && !SCOPES.includes(r.scope)) errs.push(notSupported(child(p, 'scope'), r.scope, SCOPES));
  return errs;
}

function validateService(s: ServiceReference, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(child(p, 'name'), 'service name is required'));
  if (!s.namespace) errs.push(required(child(p, 'namespace'), 'service namespace is required'));
  const port = s.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    errs.push(invalid(child(p, 'port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  return errs;
}

function validateClientConfig(c: WebhookClientConfig | undefined, p: string): FieldError[] {
  const hasUrl = typeof c?.url === 'string' && c.url !== '';
  const hasSvc = c?.service !== undefined && c.service !== null;
  if (hasUrl === hasSvc) return [required(p, 'exactly one of url or service is required')];
  if (c?.service) return validateService(c.service, child(p, 'service'));
  const url = String(c?.url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [invalid(child(p, 'url'), url, 'host must be specified')];
  }
  if (u.protocol !== 'https:') return [invalid(child(p, 'url'), url, "'https' is the only allowed URL scheme")];
  if (u.hash) return [invalid(child(p, 'url'), url, 'fragments are not permitted in the URL')];
  if (u.search) return [invalid(child(p, 'url'), url, 'query parameters are not permitted in the URL')];
  return [];
}

function validateName(name: string, p: string, seen: Set<string>): FieldError[] {
  if (!name) return [required(p)];
  const errs = isDNS1123Subdomain(name).map((m) => invalid(p, name, m));
  if (name.split('.').length < 3) errs.push(invalid(p, name, 'should be a domain with at least three segments separated by dots'));
  if (seen.has(name)) errs.push(duplicate(p, name));
  seen.add(name);
  return errs;
}

function validateWebhook(w: Webhook, p: string, mutating: boolean, seen: Set<string>): FieldError[] {
  const errs = validateName(String(w?.name ?? ''), child(p, 'name'), seen);
  (w?.rules ?? []).forEach((r, j) => errs.push(...validateRule(r, index(child(p, 'rules'), j))));
  if (!['Fail', 'Ignore'].includes(w?.failurePolicy ?? '')) {
    errs.push(notSupported(child(p, 'failurePolicy'), w?.failurePolicy, ['Fail', 'Ignore']));
  }
  if (!['Exact', 'Equivalent'].includes(w?.matchPolicy ?? '')) {
    errs.push(notSupported(child(p, 'matchPolicy'), w?.matchPolicy, ['Equivalent', 'Exact']));
  }
  if (w?.sideEffects === undefined) errs.push(required(child(p, 'sideEffects'), 'must specify one of None, NoneOnDryRun'));
  else if (!SIDE_EFFECTS.includes(w.sideEffects)) errs.push(notSupported(child(p, 'sideEffects'), w.sideEffects, SIDE_EFFECTS));
  const versions = w?.admissionReviewVersions;
  if (!Array.isArray(versions) || versions.length === 0) {
    errs.push(required(child(p, 'admissionReviewVersions'), 'must specify one of v1, v1beta1'));
  } else if (!versions.includes('v1') && !versions.includes('v1beta1')) {
    errs.push(invalid(child(p, 'admissionReviewVersions'), versions, 'must include at least one of v1, v1beta1'));
  }
  const t = w?.timeoutSeconds;
  if (!(typeof t === 'number' && Number.isInteger(t) && t >= 1 && t <= 30)) {
    errs.push(invalid(child(p, 'timeoutSeconds'), t, 'the timeout value must be between 1 and 30 seconds'));
  }
  if (mutating && !['Never', 'IfNeeded'].includes(w?.reinvocationPolicy ?? '')) {
    errs.push(notSupported(child(p, 'reinvocationPolicy'), w?.reinvocationPolicy, ['IfNeeded', 'Never']));
  }
  errs.push(...validateLabelSelector(w?.namespaceSelector, child(p, 'namespaceSelector')));
  errs.push(...validateLabelSelector(w?.objectSelector, child(p, 'objectSelector')));
  errs.push(...validateClientConfig(w?.clientConfig, child(p, 'clientConfig')));
  errs.push(...validateMatchConditions(w?.matchConditions, child(p, 'matchConditions')));
  return errs;
}

function validateWebhooks(o: KubeObject, mutating: boolean): FieldError[] {
  const hooks: unknown = o.webhooks;
  if (hooks !== undefined && !Array.isArray(hooks)) return [invalid('webhooks', hooks, 'must be a list')];
  const seen = new Set<string>();
  return webhooksOf(o).flatMap((w, i) => validateWebhook(w, index('webhooks', i), mutating, seen));
}

function webhookConfigurationKind(kind: string, plural: string, model: string, mutating: boolean) {
  return defineKind({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind,
    plural,
    namespaced: false,
    categories: ['api-extensions'],
    model,
    printerColumns: [
      nameColumn(),
      column(
        'Webhooks',
        'integer',
        'Webhooks indicates the number of webhooks registered in this configuration.',
        (o) => webhooksOf(o).length,
      ),
      ageColumn(),
    ],
    defaults: (o) => {
      for (const w of webhooksOf(o)) if (w && typeof w === 'object') defaultWebhook(w, mutating);
    },
    validate: (o) => validateWebhooks(o, mutating),
  });
}

export const mutatingWebhookConfigurationKind = webhookConfigurationKind(
  'MutatingWebhookConfiguration',
  'mutatingwebhookconfigurations',
  'V1MutatingWebhookConfiguration',
  true,
);

export const validatingWebhookConfigurationKind = webhookConfigurationKind(
  'ValidatingWebhookConfiguration',
  'validatingwebhookconfigurations',
  'V1ValidatingWebhookConfiguration',
  false,
);
