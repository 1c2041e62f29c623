// The Gateway API CRDs Skiff installs (standard channel of a pinned release), and their
// reconciliation at every start: created when absent; replaced when Skiff installed them and
// their bundle version is not newer than ours (an upgrade brings the new schema); never touched
// when someone else installed them (e.g. `kubectl apply` of an upstream release): theirs is
// served as it is, whatever its version.
import type { KubeClient, ResourceRef } from '../../client/types';
import { isStatus } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { deepEqual } from '../../kinds/validation/validation';
import { gatewayClassSchema, gatewaySchema, referenceGrantSchema } from './crd-schemas-gateway';
import { grpcRouteSchema, httpRouteSchema } from './crd-schemas-route';
import type { S } from './crd-schema-kit';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The Gateway API release whose standard channel these CRDs follow. */
export const BUNDLE_VERSION = 'v1.2.1';
export const BUNDLE_VERSION_ANNOTATION = `${GATEWAY_GROUP}/bundle-version`;
export const CHANNEL_ANNOTATION = `${GATEWAY_GROUP}/channel`;
/** Marks the CRDs Skiff installed (and may therefore upgrade). */
export const INSTALLED_BY_ANNOTATION = 'skiff.dev/installed-by';
const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };

type Column = { name: string; type: string; jsonPath: string; priority?: number };
const AGE: Column = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

interface CrdFacts {
  kind: string;
  plural: string;
  shortNames?: string[];
  scope: 'Namespaced' | 'Cluster';
  /** Served versions, storage first. */
  versions: string[];
  schema: () => S;
  status: boolean;
  columns: Column[];
}

const FACTS: CrdFacts[] = [
  {
    kind: 'GatewayClass',
    plural: 'gatewayclasses',
    shortNames: ['gc'],
    scope: 'Cluster',
    versions: ['v1', 'v1beta1'],
    schema: gatewayClassSchema,
    status: true,
    columns: [
      { name: 'Controller', type: 'string', jsonPath: '.spec.controllerName' },
      { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
      AGE,
      { name: 'Description', type: 'string', jsonPath: '.spec.description', priority: 1 },
    ],
  },
  {
    kind: 'Gateway',
    plural: 'gateways',
    shortNames: ['gtw'],
    scope: 'Namespaced',
    versions: ['v1', 'v1beta1'],
    schema: gatewaySchema,
    status: true,
    columns: [
      { name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName' },
      { name: 'Address', type: 'string', jsonPath: '.status.addresses[*].value' },
      { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
      AGE,
    ],
  },
  {
    kind: 'HTTPRoute',
    plural: 'httproutes',
    scope: 'Namespaced',
    versions: ['v1', 'v1beta1'],
    schema: httpRouteSchema,
    status: true,
    columns: [{ name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' }, AGE],
  },
  {
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    scope: 'Namespaced',
    versions: ['v1'],
    schema: grpcRouteSchema,
    status: true,
    columns: [{ name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' }, AGE],
  },
  // ReferenceGrant is served as v1beta1 only in the standard channel of this release.
  {
    kind: 'ReferenceGrant',
    plural: 'referencegrants',
    shortNames: ['refgrant'],
    scope: 'Namespaced',
    versions: ['v1beta1'],
    schema: referenceGrantSchema,
    status: false,
    columns: [AGE],
  },
];

export function gatewayCrds(): KubeObject[] {
  return FACTS.map((f) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${f.plural}.${GATEWAY_GROUP}`,
      annotations: { [BUNDLE_VERSION_ANNOTATION]: BUNDLE_VERSION, [CHANNEL_ANNOTATION]: 'standard', [INSTALLED_BY_ANNOTATION]: 'skiff' },
    },
    spec: {
      group: GATEWAY_GROUP,
      names: {
        kind: f.kind,
        listKind: `${f.kind}List`,
        plural: f.plural,
        singular: f.kind.toLowerCase(),
        ...(f.shortNames ? { shortNames: f.shortNames } : {}),
        categories: ['gateway-api'],
      },
      scope: f.scope,
      versions: f.versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: f.schema() },
        ...(f.status ? { subresources: { status: {} } } : {}),
        additionalPrinterColumns: f.columns,
      })),
    },
  }));
}

/** "v1.2.1" → [1, 2, 1]; unparsable versions compare as 0.0.0. */
function parseVersion(v: string | undefined): number[] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [+m[1], +m[2], +m[3]] : [0, 0, 0];
}
export function compareBundleVersions(a: string | undefined, b: string | undefined): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** What to do with a CRD of ours given what the cluster has (pure). */
export function crdAction(have: KubeObject | undefined, want: KubeObject): 'create' | 'update' | 'keep' {
  if (!have) return 'create';
  const ann = have.metadata.annotations ?? {};
  if (ann[INSTALLED_BY_ANNOTATION] !== 'skiff') return 'keep';
  if (compareBundleVersions(ann[BUNDLE_VERSION_ANNOTATION], BUNDLE_VERSION) > 0) return 'keep';
  // As stored, the spec has the API server's defaults and its own key order: neither is a change
  // (compared as sent, every start upgraded all five CRDs again).
  const same =
    deepEqual(withDefaults(have.spec), withDefaults(want.spec)) &&
    ann[BUNDLE_VERSION_ANNOTATION] === want.metadata.annotations![BUNDLE_VERSION_ANNOTATION];
  return same ? 'keep' : 'update';
}

const withDefaults = (spec: unknown) => ({ conversion: { strategy: 'None' }, ...(spec as object) });

/** Creates or upgrades the CRDs; resolves once each one installed serves (Established). */
export async function installGatewayCrds(client: KubeClient, log: (line: string) => void): Promise<void> {
  for (const want of gatewayCrds()) {
    const name = want.metadata.name!;
    const have = await client.get(CRDS, undefined, name).catch((e) => {
      if (isStatus(e, 404)) return undefined;
      throw e;
    });
    const action = crdAction(have, want);
    if (action === 'create') await client.create(CRDS, undefined, want);
    else if (action === 'update') {
      await client.update(CRDS, undefined, {
        ...want,
        metadata: { ...have!.metadata, annotations: { ...have!.metadata.annotations, ...want.metadata.annotations } },
      });
      log(`gateway: upgraded CRD ${name} to Gateway API ${BUNDLE_VERSION}`);
    } else if (have?.metadata.annotations?.[INSTALLED_BY_ANNOTATION] !== 'skiff')
      log(
        `gateway: CRD ${name} was installed by someone else (${have?.metadata.annotations?.[BUNDLE_VERSION_ANNOTATION] ?? 'no bundle version'}); kept as it is`,
      );
  }
  // The API server serves a new CRD's kinds a moment after it is created (once Established).
  for (const f of FACTS) {
    const res = { group: GATEWAY_GROUP, version: f.versions[0], plural: f.plural };
    for (let waited = 0; ; waited += SERVED_POLL_MS) {
      const served = await client.list(res, undefined, { limit: 1 }).then(
        () => true,
        (e) => {
          if (isStatus(e, 404) && waited < SERVED_TIMEOUT_MS) return false;
          throw e;
        },
      );
      if (served) break;
      await new Promise((r) => setTimeout(r, SERVED_POLL_MS));
    }
  }
}

const SERVED_POLL_MS = 25;
const SERVED_TIMEOUT_MS = 30_000;
