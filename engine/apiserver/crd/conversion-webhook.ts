// CRD conversion through a webhook (spec.conversion.strategy: Webhook): objects are stored in
// the storage version and converted by a ConversionReview (apiextensions.k8s.io/v1) POSTed to
// the CRD's clientConfig (a Service in the cluster or a URL, trusting its caBundle) whenever a
// request reads or writes another version. The webhook may change only labels and annotations
// of metadata, as upstream enforces; any failure is a 500 worded like upstream's.
import { randomUUID } from 'node:crypto';
import type { KindDef, KubeObject } from '../../kinds/types';
import { apiVersionOf, withKind } from '../object-meta';
import { errors } from '../status';
import { resolveTarget, type ServiceLookup } from '../admission/webhook/service-resolve';
import { postReview, type PostReview } from '../admission/webhook/webhook-client';

/** Converts objects of `def`'s kind to `apiVersion` (order kept). */
export type Converter = (def: KindDef, objs: KubeObject[], apiVersion: string) => Promise<KubeObject[]>;

/** Upstream's timeout for conversion webhooks. */
const TIMEOUT_MS = 30_000;

type Obj = Record<string, unknown>;

export function createConversionWebhook(deps: { lookup: ServiceLookup; post?: PostReview }): Converter {
  return async (def, objs, apiVersion) => {
    const hook = def.conversionWebhook;
    const todo = objs.map((o, i) => (o.apiVersion !== apiVersion ? i : -1)).filter((i) => i >= 0);
    if (!hook || !todo.length) return objs;
    const gvk = `${apiVersion}, Kind=${def.kind}`;
    const fail = (why: string) => errors.internal(`conversion webhook for ${gvk} failed: ${why}`);
    if (!hook.reviewVersions.includes('v1')) throw fail('no supported conversion review versions (v1) in the CRD');
    const uid = randomUUID();
    const review = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid, desiredAPIVersion: apiVersion, objects: todo.map((i) => objs[i]) },
    };
    let body: unknown;
    try {
      const target = await resolveTarget(hook.clientConfig, deps.lookup);
      body = await (deps.post ?? postReview)(target, review, TIMEOUT_MS);
    } catch (e) {
      throw fail((e as Error).message);
    }
    const response = (body as { response?: Obj } | null)?.response;
    if (!response) throw fail('no response provided');
    if (response.uid !== uid) throw fail(`expected response uid ${JSON.stringify(uid)}, got ${JSON.stringify(response.uid)}`);
    const result = (response.result ?? {}) as Obj;
    if (result.status !== 'Success') throw fail(`conversion request failed: ${typeof result.message === 'string' ? result.message : ''}`);
    const converted = Array.isArray(response.convertedObjects) ? (response.convertedObjects as KubeObject[]) : [];
    if (converted.length !== todo.length) {
      throw fail(`returned ${converted.length} objects, expected ${todo.length}`);
    }
    const out = [...objs];
    todo.forEach((i, j) => {
      const c = converted[j];
      if (c?.apiVersion !== apiVersion)
        throw fail(`invalid converted object at index ${j}: invalid apiVersion ${JSON.stringify(c?.apiVersion)}`);
      if (c.kind !== def.kind) throw fail(`invalid converted object at index ${j}: invalid kind ${JSON.stringify(c.kind)}`);
      // Only labels and annotations of metadata may change.
      const meta = { ...objs[i].metadata, labels: c.metadata?.labels, annotations: c.metadata?.annotations };
      if (!meta.labels) delete meta.labels;
      if (!meta.annotations) delete meta.annotations;
      out[i] = { ...c, metadata: meta };
    });
    return out;
  };
}

/** Objects as `def`'s version presents them, converted through the webhook when stored otherwise. */
export async function presentAll(def: KindDef, objs: KubeObject[], convert: Converter | undefined): Promise<KubeObject[]> {
  if (!def.conversionWebhook || !convert) return objs.map((o) => withKind(def, o));
  return (await convert(def, objs, apiVersionOf(def))).map((o) => withKind(def, o));
}

export async function present(def: KindDef, obj: KubeObject, convert: Converter | undefined): Promise<KubeObject> {
  return (await presentAll(def, [obj], convert))[0];
}

/** The object in its CRD's storage version, ready for toStored. */
export async function toStorageVersion(def: KindDef, obj: KubeObject, convert: Converter | undefined): Promise<KubeObject> {
  const hook = def.conversionWebhook;
  if (!hook || !convert) return obj;
  const withVersion = { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(def), kind: obj.kind ?? def.kind };
  return (await convert(def, [withVersion], hook.storageApiVersion))[0];
}
