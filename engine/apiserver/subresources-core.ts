// Core-group subresources of single resources: namespaces/finalize and serviceaccounts/token.
import type { SubresourceHandler } from './handler-deps';
import { errors } from './status';
import { readJson } from './request-decoding';
import { isDryRun } from './request-options';
import { rfc3339 } from './object-meta';

/** namespaces/finalize: replaces spec.finalizers (what the namespace controller does when it has emptied one). */
export const namespaceFinalize: SubresourceHandler = {
  methods: ['PUT'],
  async serve({ deps, def, name, req, q }) {
    const body = await readJson(req);
    const updated = await deps.resources.mutate(
      def,
      undefined,
      name,
      (cur) => {
        cur.spec = { ...(cur.spec ?? {}), finalizers: body.spec?.finalizers ?? [] };
        return cur;
      },
      { dryRun: isDryRun(q), subresource: 'finalize' },
    );
    return { status: 200, body: updated };
  },
};

/** serviceaccounts/token: a TokenRequest answered with a signed, expiring token (kubectl create token). */
export const serviceAccountToken: SubresourceHandler = {
  methods: ['POST'],
  async serve({ deps, def, ns, name, req }) {
    const body = await readJson(req);
    const sa = await deps.resources.get(def, ns, name);
    const requested = body.spec?.expirationSeconds;
    if (requested !== undefined && (!Number.isInteger(requested) || requested < 600)) {
      throw errors.invalid('TokenRequest', 'authentication.k8s.io', name, [
        {
          field: 'spec.expirationSeconds',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${requested}: may not specify a duration less than 10 minutes`,
        },
      ]);
    }
    const seconds = Math.min(requested ?? 3600, 48 * 3600);
    const bound = body.spec?.boundObjectRef;
    const pod = bound?.kind === 'Pod' && bound.name && bound.uid ? { name: bound.name, uid: bound.uid } : undefined;
    if (!deps.serviceAccountTokens) throw errors.serviceUnavailable('service-account tokens are not configured');
    const now = deps.now();
    const token = deps.serviceAccountTokens.issue(ns!, name, sa.metadata.uid!, {
      expirationSeconds: seconds,
      audiences: body.spec?.audiences?.length ? body.spec.audiences : undefined,
      pod,
      now,
    });
    return {
      status: 201,
      body: {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name, namespace: ns, creationTimestamp: null },
        spec: {
          audiences: body.spec?.audiences ?? ['https://kubernetes.default.svc.cluster.local'],
          expirationSeconds: seconds,
          boundObjectRef: bound ?? null,
        },
        status: { token, expirationTimestamp: rfc3339(new Date(now.getTime() + seconds * 1000)) },
      },
    };
  },
};
