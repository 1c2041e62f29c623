// AdmissionReview request and response (admission.k8s.io/v1, or v1beta1 for webhooks that only
// list it), checked as upstream's VerifyAdmissionResponse does: same uid, the right kind,
// patches only from mutating webhooks and only as JSONPatch.
import { kindOf, type AdmissionAttributes, type Webhook } from './types';
import { apiVersionOf } from '../../../kinds/defs/registry';

export interface AdmissionResult {
  allowed: boolean;
  /** Decoded JSONPatch bytes, when the webhook returned a patch. */
  patch?: Buffer;
  warnings: string[];
  status?: { code?: number; message?: string; reason?: string; status?: string; details?: unknown };
}

const OPTIONS_KIND = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' } as const;

/** The review version sent: v1 when the webhook accepts it, else v1beta1 (undefined when neither). */
export function reviewVersion(webhook: Webhook): string | undefined {
  return (webhook.admissionReviewVersions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
}

/** CONNECT options kinds have no ObjectMeta on the wire. */
function withoutMetadata(o: AdmissionAttributes['object']) {
  if (!o) return o;
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'metadata'));
}

export function buildReview(uid: string, version: string, a: AdmissionAttributes): object {
  const { def } = a;
  // Webhooks decode by apiVersion/kind; in-process writers may leave them out.
  const typed = (o: AdmissionAttributes['object']) => o && { apiVersion: apiVersionOf(def), kind: def.kind, ...o };
  const kind = kindOf(a);
  const resource = { group: def.group, version: def.version, resource: def.plural };
  const optionsKind = OPTIONS_KIND[a.operation];
  return {
    apiVersion: `admission.k8s.io/${version}`,
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource,
      ...(a.subresource ? { subResource: a.subresource } : {}),
      requestKind: kind,
      requestResource: resource,
      ...(a.subresource ? { requestSubResource: a.subresource } : {}),
      name: a.name,
      ...(a.namespace ? { namespace: a.namespace } : {}),
      operation: a.operation,
      userInfo: a.user ? { username: a.user.user, groups: a.user.groups } : {},
      object: (a.operation === 'CONNECT' ? withoutMetadata(a.object) : typed(a.object)) ?? null,
      oldObject: typed(a.oldObject) ?? null,
      dryRun: a.dryRun,
      ...(optionsKind ? { options: { apiVersion: 'meta.k8s.io/v1', kind: optionsKind, ...(a.dryRun ? { dryRun: ['All'] } : {}) } } : {}),
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a webhook's answer; throws an Error with upstream's wording when it is malformed. */
export function verifyReview(uid: string, version: string, mutating: boolean, body: unknown): AdmissionResult {
  if (!isObject(body)) throw new Error('webhook response was not an AdmissionReview object');
  const r = body.response;
  if (!isObject(r)) throw new Error('webhook response was absent');
  if (r.uid !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(r.uid ?? '')}`);
  if (version === 'v1' && (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview')) {
    const got = typeof body.apiVersion === 'string' ? body.apiVersion : '';
    const kind = typeof body.kind === 'string' ? body.kind : '';
    throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}, Kind=${kind}`);
  }
  const patchType = typeof r.patchType === 'string' ? r.patchType : '';
  const patch = typeof r.patch === 'string' && r.patch !== '' ? Buffer.from(r.patch, 'base64') : undefined;
  if (mutating) {
    if (patch && !patchType) throw new Error('webhook returned response.patch but not response.patchType');
    if (!patch && patchType) throw new Error('webhook returned response.patchType but not response.patch');
    if (patchType && patchType !== 'JSONPatch')
      throw new Error(`webhook returned invalid response.patchType of ${JSON.stringify(patchType)}`);
  } else {
    if (patch) throw new Error('validating webhook may not return response.patch');
    if (patchType) throw new Error('validating webhook may not return response.patchType');
  }
  const list: unknown[] = Array.isArray(r.warnings) ? r.warnings : [];
  const warnings = list.filter((w): w is string => typeof w === 'string');
  return { allowed: r.allowed === true, patch, warnings, status: isObject(r.status) ? r.status : undefined };
}
