// apiregistration.k8s.io/v1 APIService: one per group/version the API server serves (Skiff keeps
// the "Local" ones current, see apiserver/apiservice-sync.ts). Skiff does not proxy to extension
// API servers: an APIService naming a spec.service is stored (charts that ship one install) but
// reported Available=False with a reason saying so, and its group is not served.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { invalid, required } from '../validation/field-errors';
import { isDNS1035Label, isDNS1123Subdomain } from '../../apimachinery/validation-strings';

interface ApiServiceSpec {
  group?: string;
  version?: string;
  service?: { namespace?: string; name?: string; port?: number };
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

const specOf = (o: KubeObject) => (o.spec ?? {}) as ApiServiceSpec;

/** An object's Available condition, if it has one. */
export function availableCondition(o: KubeObject): Condition | undefined {
  const conditions = (o.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.find((x) => x.type === 'Available');
}

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';
export const PROXY_UNSUPPORTED_REASON = 'ServiceProxyNotSupported';

/** The Available condition as upstream's availability controller words it for local services. */
export function localAvailable(now: string) {
  return { type: 'Available', status: 'True', lastTransitionTime: now, reason: 'Local', message: 'Local APIServices are always available' };
}

function proxyUnavailable(obj: KubeObject, now: string) {
  const spec = specOf(obj);
  const s = spec.service ?? {};
  return {
    type: 'Available',
    status: 'False',
    lastTransitionTime: now,
    reason: PROXY_UNSUPPORTED_REASON,
    message: `Skiff does not proxy API requests to extension API servers: service/${s.name ?? ''} in "${s.namespace ?? ''}" is not called and ${spec.group ?? ''}/${spec.version ?? ''} is not served`,
  };
}

function availableColumn(o: KubeObject): string {
  const c = availableCondition(o);
  if (!c) return 'Unknown';
  return c.status === 'True' ? 'True' : `${c.status} (${c.reason ?? ''})`;
}

function validateApiService(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const wanted = `${spec.version ?? ''}.${spec.group ?? ''}`;
  if (o.metadata.name !== wanted)
    errs.push(invalid('metadata.name', o.metadata.name, `must be \`spec.version+"."+spec.group\`: "${wanted}"`));
  if (!spec.group && spec.version !== 'v1') {
    errs.push(required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  }
  if (spec.group) for (const m of isDNS1123Subdomain(spec.group)) errs.push(invalid('spec.group', spec.group, m));
  for (const m of isDNS1035Label(spec.version ?? '')) errs.push(invalid('spec.version', spec.version ?? '', m));
  const gpm = spec.groupPriorityMinimum ?? 0;
  const vp = spec.versionPriority ?? 0;
  if (!(gpm > 0 && gpm <= 20000)) {
    errs.push(invalid('spec.groupPriorityMinimum', gpm, 'must be positive and less than 20000'));
  }
  if (!(vp > 0 && vp <= 1000)) {
    errs.push(invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  }
  if (!spec.service) {
    if (spec.caBundle) errs.push(invalid('spec.caBundle', '', 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify)
      errs.push(invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (!spec.service.namespace) errs.push(required('spec.service.namespace'));
  if (!spec.service.name) errs.push(required('spec.service.name'));
  if (spec.insecureSkipTLSVerify && spec.caBundle) {
    errs.push(invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  }
  return errs;
}

export const apiServiceKind = defineKind({
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: { status: true },
  model: 'V1APIService',
  printerColumns: [
    nameColumn(),
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.', (o) => {
      const s = specOf(o).service;
      return s ? `${s.namespace ?? ''}/${s.name ?? ''}` : 'Local';
    }),
    column('Available', 'string', 'Whether this service is available.', availableColumn),
    ageColumn(),
  ],
  defaults: (o) => {
    const s = specOf(o).service;
    if (s) s.port ??= 443;
  },
  prepareForCreate: (o) => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    o.status = { conditions: [specOf(o).service ? proxyUnavailable(o, now) : localAvailable(now)] };
  },
  validate: (o) => validateApiService(o),
});
