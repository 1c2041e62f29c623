// Wires the API server's parts from the kind definitions: schemas, storage, admission,
// handlers' dependencies (the garbage collector and namespace deletion run in the controller manager).
import { createPolicyStatusController } from './admission/policy/policy-status';
import type { Store } from '../store/types';
import type { KindDef, KubeObject } from '../kinds/types';
import { builtinKinds, createKindRegistry, nameKindOf } from '../kinds/defs/registry';
import { validateObjectMeta, validateObjectMetaUpdate } from '../kinds/validation/validation';
import { createSchemaRegistry } from '../kinds/schema/schema';
import { checkObject } from '../kinds/schema/strict-decode';
import { createOpenApiV3 } from '../kinds/openapi/openapi';
import { createOpenApiV2 } from '../kinds/openapi/openapi-v2';
import { applyPatch } from './patch';
import { createResources } from './resource-store';
import { createFieldManager } from './field-manager';
import { createServiceAllocation } from './service-allocation';
import { chainAdmission, createDefaultAdmission } from './admission/admission-chain';
import { METRICS_GROUP, METRICS_VERSION, type MetricsSource } from './metrics-api';
import { createApiServiceSync } from './discovery/apiservice-sync';
import { createCompactor } from '../store/compactor';
import type { HandlerDeps } from './handler-deps';
import { labelMatcher, fieldMatcher } from './selector-matchers';
import { versionInfo } from './discovery/version';
import { createServiceAccountTokens, generateSigningKey } from '../pki/service-account-tokens';
import { createBootstrapTokenAuthenticator, reviewBootstrapToken } from './authn/bootstrap-token-authn';
import { createServiceAccountAuthenticator } from './authn/service-account-authn';
import { answerTokenReview } from './authn/token-review';
import { createNodeStreamsRegistry } from '../client/node-streams';
import { createCrdController } from './crd/crd-controller';
import { storageGroup } from './storage-keys';
import { createAuthorization } from './authz/authorization';
import { createConversionWebhook } from './crd/conversion-webhook';
import { podSecurityConfig, type PodSecurityConfig } from './admission/pod-security/config';

export type ApiCore = ReturnType<typeof createApiCore>;

export interface ApiCoreOptions {
  store: Store;
  serviceCIDR: string;
  log?: (line: string) => void;
  /** ES256 key (PKCS#8 PEM) that signs service-account tokens (a new one per process when absent). */
  serviceAccountKey?: string;
  /** Earlier signing keys' public halves (key rotation): their tokens still verify. */
  serviceAccountVerifyKeys?: string[];
  /** The cluster CA (PEM), handed to pods as ca.crt. */
  caCert?: string;
  /** RBAC on requests over HTTP (default on; off = every authenticated request allowed). */
  rbac?: boolean;
  /** Pod Security admission (default: baseline enforced outside kube-system; false = off). */
  podSecurity?: PodSecurityConfig | false;
}

export function createApiCore(opts: ApiCoreOptions) {
  const { store } = opts;
  const serviceAccountTokens = createServiceAccountTokens({
    privateKey: opts.serviceAccountKey ?? generateSigningKey(),
    verifyKeys: opts.serviceAccountVerifyKeys,
  });
  const serviceAccountAuthn = createServiceAccountAuthenticator({ tokens: serviceAccountTokens, store });
  const bootstrapTokenAuthn = createBootstrapTokenAuthenticator({
    getSecret: (name) => resources.get(def('', 'v1', 'secrets'), 'kube-system', name).catch(() => undefined),
  });
  const builtin = builtinKinds();
  const kinds = createKindRegistry(builtin);
  const schemas = createSchemaRegistry();
  const def = (group: string, version: string, plural: string) => {
    const d = kinds.byResource(group, version, plural);
    if (!d) throw new Error(`kind ${plural}.${group}/${version} is not defined`);
    return d;
  };
  const namespaceDef = def('', 'v1', 'namespaces');
  const serviceDef = def('', 'v1', 'services');

  const services = createServiceAllocation({
    serviceCIDR: opts.serviceCIDR,
    listServices: async () => (await resources.list(serviceDef, undefined)).items,
  });

  const authorization = createAuthorization({ store, enabled: opts.rbac ?? true });
  const podSecurity = opts.podSecurity === false ? undefined : (opts.podSecurity ?? podSecurityConfig());
  const defaultAdmission = createDefaultAdmission(
    kinds,
    () => resources,
    services,
    store,
    podSecurity,
    opts.log,
    (a) => authorization.authorizer.authorize(a),
  );
  const admission = { ...chainAdmission([defaultAdmission, authorization.escalation]), stop: () => defaultAdmission.stop() };
  const fields = createFieldManager({ schemaOf: (model) => (schemas.has(model) ? schemas.node(model) : undefined) });
  const coreObject = (plural: string, ns: string, name: string) => {
    const def = kinds.all().find((d: KindDef) => d.group === '' && d.plural === plural);
    return def ? resources.get(def, ns, name).catch(() => undefined) : Promise.resolve(undefined);
  };
  const resources = createResources({
    store,
    fields,
    validateMeta: (d: KindDef, obj: KubeObject, old?: KubeObject) => [
      ...validateObjectMeta(obj, d.namespaced, nameKindOf(d)),
      ...(old ? validateObjectMetaUpdate(obj, old) : []),
    ],
    // From the namespaces' watch cache (admission keeps one), read live when it has none by
    // that name, as upstream's NamespaceLifecycle does: every namespaced create asks.
    namespaceExists: async (name) => {
      const cached = await defaultAdmission.namespace(name);
      if (cached) return cached.metadata.deletionTimestamp ? 'terminating' : 'active';
      const kv = await store.get(`/registry/namespaces/${name}`);
      if (!kv) return 'missing';
      return JSON.parse(kv.value).metadata?.deletionTimestamp ? 'terminating' : 'active';
    },
    admission,
    // CRD conversion webhooks reach their Service's endpoints (or URL), as admission webhooks do.
    convert: createConversionWebhook({
      lookup: {
        service: (ns, name) => coreObject('services', ns, name),
        endpoints: (ns, name) => coreObject('endpoints', ns, name),
      },
    }),
  });

  // One definition per stored key space (autoscaling v1 and v2 share theirs; events.k8s.io
  // Events share core's, whose definition is listed first).
  const storedKinds = () => {
    const seen = new Set<string>();
    return kinds.all().filter((d: KindDef) => {
      const k = `${storageGroup(d)}/${d.plural}`;
      if (d.virtual || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };

  function locate(key: string) {
    const parts = key.split('/').slice(2); // ['', 'registry', ...]
    for (const d of storedKinds()) {
      const group = storageGroup(d);
      const head = group ? [group, d.plural] : [d.plural];
      if (head.every((h, i) => parts[i] === h)) {
        const rest = parts.slice(head.length);
        if (d.namespaced && rest.length === 2) return { def: d, namespace: rest[0], name: rest[1] };
        if (!d.namespaced && rest.length === 1) return { def: d, name: rest[0] };
      }
    }
    return undefined;
  }

  // SKIFF_COMPACT_INTERVAL_MS: the watch checker compacts often to test 410 Gone under restarts.
  const compactor = createCompactor({ store, log: opts.log, intervalMs: Number(process.env.SKIFF_COMPACT_INTERVAL_MS) || undefined });
  const crds = createCrdController({
    store,
    resources,
    kinds,
    builtinKinds: builtin,
    crdDef: def('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'),
    onServedChange: (defs) => {
      openapi.setCustomKinds(defs);
      openapiV2.invalidate();
      void apiServices.sync();
    },
    log: opts.log,
  });

  const policyStatus = createPolicyStatusController({
    store,
    resources,
    policyDef: def('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies'),
    byResource: (g, v, p) => kinds.byResource(g, v, p),
    schemaOf: (model) => (schemas.has(model) ? schemas.node(model) : undefined),
    log: opts.log,
  });

  // metrics.k8s.io is served beside the kinds (see metrics-api.ts), so it is listed here.
  const apiServices = createApiServiceSync({
    store,
    resources,
    def: def('apiregistration.k8s.io', 'v1', 'apiservices'),
    served: () => [...kinds.groupVersions(), { group: METRICS_GROUP, version: METRICS_VERSION, preferred: true }],
    builtinGroups: new Set([...builtin.map((d) => d.group), METRICS_GROUP]),
    log: opts.log,
  });

  const nodeStreams = createNodeStreamsRegistry();
  const metrics = { source: undefined as MetricsSource | undefined };
  const deps: HandlerDeps = {
    kinds,
    resources,
    store,
    checker: { check: (model, obj) => checkObject(schemas, model, obj) },
    schemaOf: (model) => (schemas.has(model) ? schemas.node(model) : undefined),
    fields,
    applyPatch: (type, original, patch, schema, owned) => applyPatch(type, original, patch, schema, owned),
    labelMatcher,
    fieldMatcher,
    now: () => new Date(),
    serviceAccountTokens,
    // Bootstrap tokens too, as upstream's TokenReview asks the whole authenticator chain.
    tokenReview: (body) =>
      answerTokenReview(
        {
          review: (token, audiences) =>
            bootstrapTokenAuthn.handles(token)
              ? reviewBootstrapToken((t) => bootstrapTokenAuthn.authenticate(t), token, serviceAccountAuthn.audiences, audiences)
              : serviceAccountAuthn.review(token, audiences),
        },
        body,
      ),
    nodeStreams,
    nodeUsage: () => metrics.source?.(),
    reviews: (kind, body, user, ns) => authorization.review(kind, body, user, ns),
    admitConnect: async (def, target, options, subresource, request) =>
      admission.admitConnect?.(def, target, options, subresource, request),
  };

  const openapi = createOpenApiV3(schemas, kinds.all(), { version: versionInfo().gitVersion });
  const openapiV2 = createOpenApiV2(schemas, kinds.all(), { version: versionInfo().gitVersion, v3: openapi });

  return {
    kinds,
    resources,
    deps,
    openapi,
    openapiV2,
    services,
    namespaceDef,
    serviceDef,
    serviceAccountTokens,
    /** Service-account bearer tokens: audience and revocation checks on top of the signature. */
    serviceAccountAuthn,
    /** Bearer tokens that are not in the static table: bootstrap tokens, else service-account JWTs. */
    authenticateToken: (token: string) =>
      bootstrapTokenAuthn.handles(token) ? bootstrapTokenAuthn.authenticate(token) : serviceAccountAuthn.authenticate(token),
    /** The admission chain (pod stream upgrades run its CONNECT step). */
    admission,
    /** RBAC for requests over HTTP (the in-process client is not checked). */
    authorization,
    caCert: opts.caCert,
    /** Kubelets register their log/exec/attach/port-forward streams here, by node name. */
    nodeStreams,
    /** Usage for metrics.k8s.io; the node manager sets `source` once kubelets run. */
    metrics,
    /** Resolves a stored key to its kind and namespace/name. */
    locate,
    /** One definition per stored key space. */
    storedKinds,
    log: opts.log,
    /** Serves custom resources from CustomResourceDefinitions (started by the server). */
    crds,
    /** Type-checks ValidatingAdmissionPolicies into their status (the server starts it after the CRDs). */
    policyStatus,
    /** Keeps the Local APIServices current (the server starts it; CRD changes sync again). */
    apiServices,
    startCompactor() {
      compactor.start();
    },
    stop() {
      compactor.stop();
      crds.stop();
      policyStatus.stop();
      apiServices.stop();
      admission.stop();
      authorization.stop();
      serviceAccountAuthn.stop();
    },
  };
}
