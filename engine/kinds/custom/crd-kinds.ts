// Turns a CustomResourceDefinition into kind definitions, one per served version, so custom
// resources go through the same resource store, watch, table and discovery paths as built-ins.
// With conversion None every version reads and writes the same stored objects, kept in the
// storage version's apiVersion; with Webhook the apiserver converts each through the webhook.
import type { KindDef, KubeObject, ScaleSubresource } from '../types';
import { validateCustomObject } from './schema-validate';
import { applyDefaults, unknownFieldPaths } from './schema-defaults';
import { printerColumnsOf, type CrdPrinterColumn } from './printer-columns';
import type { StructuralSchema } from './structural-schema';
import { compareVersions } from '../defs/registry';
import { compileSchemaRules, validateSchemaRules } from './crd-rules';

/** spec.conversion of a CRD. */
export interface CrdConversion {
  strategy?: string;
  webhook?: {
    conversionReviewVersions?: unknown;
    clientConfig?: { url?: unknown; caBundle?: string; service?: { name?: string; namespace?: string; path?: string; port?: number } };
  };
}

export interface CrdNames {
  kind?: string;
  listKind?: string;
  plural?: string;
  singular?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: unknown; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: CrdPrinterColumn[];
}

/** A CustomResourceDefinition's spec: the fields read to serve and validate it. */
export interface CrdSpec {
  group?: string;
  scope?: string;
  names?: CrdNames;
  versions?: CrdVersion[];
  conversion?: CrdConversion;
}

/** The kinds a CRD serves (empty when it has no served version). */
export function kindsFromCrd(crd: KubeObject): KindDef[] {
  const spec: CrdSpec = crd.spec ?? {};
  const names: CrdNames = spec.names ?? {};
  const group = spec.group ?? '';
  const versions = spec.versions ?? [];
  const storageVersion = versions.find((v) => v.storage)?.name;
  return versions.filter((v) => v.served).map((v) => versionKind(crd, spec, names, group, v, storageVersion));
}

function versionKind(
  crd: KubeObject,
  spec: CrdSpec,
  names: CrdNames,
  group: string,
  v: CrdVersion,
  storageVersion: string | undefined,
): KindDef {
  const schema = v.schema?.openAPIV3Schema as StructuralSchema | undefined;
  const scale = v.subresources?.scale;
  const storedApiVersion = `${group}/${storageVersion}`;
  const conversion = spec.conversion;
  const webhook = conversion?.strategy === 'Webhook' ? (conversion.webhook ?? {}) : undefined;
  // Compiled once per kind; undefined when the schema has no x-kubernetes-validations.
  const rules = schema ? compileSchemaRules(schema, '').tree : undefined;
  return {
    group,
    version: v.name,
    kind: names.kind ?? '',
    plural: names.plural ?? '',
    singular: names.singular ?? String(names.kind).toLowerCase(),
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: spec.scope === 'Namespaced',
    subresources: {
      ...(v.subresources?.status ? { status: true } : {}),
      ...(scale ? { scale: scaleOf(scale) } : {}),
    },
    model: `${group}/${v.name}/${names.kind}`,
    customResource: true,
    ...(crd.metadata.deletionTimestamp ? { terminating: true } : {}),
    ...(schema ? { customSchema: schema as Record<string, unknown> } : {}),
    printerColumns: printerColumnsOf(v.additionalPrinterColumns),
    ...(webhook
      ? {
          conversionWebhook: {
            storageApiVersion: storedApiVersion,
            clientConfig: webhook.clientConfig ?? {},
            reviewVersions: Array.isArray(webhook.conversionReviewVersions) ? (webhook.conversionReviewVersions as string[]) : [],
          },
        }
      : v.name !== storageVersion
        ? { storage: { toStored: (o: KubeObject) => ({ ...o, apiVersion: storedApiVersion }), fromStored: (o: KubeObject) => o } }
        : {}),
    ...(v.deprecated ? { deprecationWarning: v.deprecationWarning ?? defaultDeprecationWarning(spec, v.name) } : {}),
    defaults: (obj) => applyDefaults(schema, obj),
    validate: (obj, old) => {
      const errs = validateCustomObject(schema, obj);
      // Rules run on objects that match their schema, as CEL needs the declared types.
      return rules && !errs.length ? validateSchemaRules(rules, obj, old) : errs;
    },
    unknownFields: (obj) => unknownFieldPaths(schema, obj),
  };
}

/** Upstream's wording: "<group>/<version> <Kind> is deprecated; use <group>/<newest served> <Kind>". */
function defaultDeprecationWarning(spec: CrdSpec, version: string): string {
  const msg = `${spec.group}/${version} ${spec.names?.kind} is deprecated`;
  const better = (spec.versions ?? [])
    .filter((v) => v.served && !v.deprecated && compareVersions(v.name, version) < 0)
    .map((v) => v.name)
    .sort(compareVersions);
  return better.length ? `${msg}; use ${spec.group}/${better[0]} ${spec.names?.kind}` : msg;
}

function scaleOf(scale: NonNullable<NonNullable<CrdVersion['subresources']>['scale']>): ScaleSubresource {
  return {
    specReplicasPath: scale.specReplicasPath,
    statusReplicasPath: scale.statusReplicasPath,
    labelSelectorPath: scale.labelSelectorPath ?? '',
  };
}
