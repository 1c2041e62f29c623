// serviceaccounts/token (TokenRequest, `kubectl create token`, the kubelet's projected tokens):
// a signed token for the requested audiences (default: the API's) and lifetime (at least 10
// minutes, as upstream), optionally bound to a Pod or Secret of the namespace so it dies with it.
import type { SubresourceCall, SubresourceHandler } from '../handler-deps';
import { errors } from '../status';
import { readJson } from '../request-decoding';
import { rfc3339 } from '../object-meta';
import type { ObjectRef } from '../../pki/service-account-tokens';

/** Longest lifetime granted (a longer request is cut to it; the answer says what was given). */
const MAX_SECONDS = 48 * 3600;
const DEFAULT_SECONDS = 3600;

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

async function issue({ deps, def, ns, name }: SubresourceCall, body: unknown): Promise<object> {
  const spec: Obj = asObj(asObj(body)?.spec) ?? {};
  const sa = await deps.resources.get(def, ns, name);
  const requested = spec.expirationSeconds;
  if (requested !== undefined && requested !== null && (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 600)) {
    throw errors.invalid('TokenRequest', 'authentication.k8s.io', name, [
      {
        field: 'spec.expirationSeconds',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(requested)}: may not specify a duration less than 10 minutes`,
      },
    ]);
  }
  if (typeof requested === 'number' && requested > 2 ** 32) {
    throw errors.invalid('TokenRequest', 'authentication.k8s.io', name, [
      {
        field: 'spec.expirationSeconds',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${requested}: may not specify a duration larger than 2^32 seconds`,
      },
    ]);
  }
  const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [];
  const bound = asObj(spec.boundObjectRef);
  let pod: ObjectRef | undefined;
  let secret: ObjectRef | undefined;
  if (bound) {
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const apiVersion = text(bound.apiVersion);
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    const kind = text(bound.kind);
    const boundName = text(bound.name);
    const boundUid = text(bound.uid);
    const plural = !group && kind === 'Pod' ? 'pods' : !group && kind === 'Secret' ? 'secrets' : undefined;
    if (!plural) throw errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
    const target = await deps.resources.get(deps.kinds.byResource('', 'v1', plural)!, ns, boundName);
    if (
      plural === 'pods' &&
      (text((target.spec as { serviceAccountName?: unknown } | undefined)?.serviceAccountName) || 'default') !== name
    ) {
      throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
    }
    if (boundUid && boundUid !== target.metadata.uid) {
      throw errors.conflict(
        '',
        kind,
        boundName,
        `the UID in the bound object reference (${boundUid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    const ref = { name: target.metadata.name!, uid: target.metadata.uid! };
    if (plural === 'pods') pod = ref;
    else secret = ref;
  }
  if (!deps.serviceAccountTokens) throw errors.serviceUnavailable('service-account tokens are not configured');
  const seconds = Math.min(typeof requested === 'number' ? requested : DEFAULT_SECONDS, MAX_SECONDS);
  const now = deps.now();
  const token = deps.serviceAccountTokens.issue(ns!, name, sa.metadata.uid!, { expirationSeconds: seconds, audiences, pod, secret, now });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: null },
    spec: {
      audiences: audiences.length ? audiences : [deps.serviceAccountTokens.issuer],
      expirationSeconds: seconds,
      boundObjectRef: bound ? { ...bound, ...(bound.uid ? {} : { uid: (pod ?? secret)!.uid }) } : null,
    },
    status: { token, expirationTimestamp: rfc3339(new Date(now.getTime() + seconds * 1000)) },
  };
}

export const serviceAccountToken: SubresourceHandler = {
  methods: ['POST'],
  async serve(call) {
    return { status: 201, body: await issue(call, await readJson(call.req)) };
  },
  create: (call, body) => issue(call, body),
};
