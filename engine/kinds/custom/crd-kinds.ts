// Turns a CustomResourceDefinition into kind definitions, one per served version, so custom
// resources go through the same resource store, watch, table and discovery paths as built-ins.
// With conversion None every version reads and writes the same stored objects, kept in the
// storage version's apiVersion; with Webhook the apiserver converts each through the webhook.
import type { KindDef, KubeObject, ScaleSubresource } from '../types';
import { validateCustomObject } from './schema-validate';
import { applyDefaults, unknownFieldPaths } from './schema-defaults';
import { printerColumnsOf } from './printer-columns';
import type { StructuralSchema } from './structural-schema';
import { compareVersions } from '../defs/registry';
import { compileSchemaRules, validateSchemaRules } from './crd-rules';

type Obj = Record<string, any>;

/** spec.conversion of a CRD. */
export interface CrdConversion {
  strategy?: string;
  webhook?: {
    conversionReviewVersions?: unknown;
    clientConfig?: { url?: unknown; caBundle?: string; service?: { name?: string; namespace?: string; path?: string; port?: number } };
  };
}

/** The kinds a CRD serves (empty when it has no served version). */
export function kindsFromCrd(crd: KubeObject): KindDef[] {
  const spec: Obj = crd.spec ?? {};
  const names: Obj = spec.names ?? {};
  const group: string = spec.group;
  const versions: Obj[] = spec.versions ?? [];
  const storageVersion = versions.find((v) => v.storage)?.name;
  return versions.filter((v) => v.served).map((v) => versionKind(crd, spec, names, group, v, storageVersion));
}

function versionKind(crd: KubeObject, spec: Obj, names: Obj, group: string, v: Obj, storageVersion: string | undefined): KindDef {
  const schema: StructuralSchema | undefined = v.schema?.openAPIV3Schema;
  const scale: Obj | undefined = v.subresources?.scale;
  const storedApiVersion = `${group}/${storageVersion}`;
  const conversion = (spec as { conversion?: CrdConversion }).conversion;
  const webhook = conversion?.strategy === 'Webhook' ? (conversion.webhook ?? {}) : undefined;
  // Compiled once per kind; undefined when the schema has no x-kubernetes-validations.
  const rules = schema ? compileSchemaRules(schema, '').tree : undefined;
  return {
    group,
    version: v.name,
    kind: names.kind,
    plural: names.plural,
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
function defaultDeprecationWarning(spec: Obj, version: string): string {
  const msg = `${spec.group}/${version} ${spec.names.kind} is deprecated`;
  const better = (spec.versions as Obj[])
    .filter((v) => v.served && !v.deprecated && compareVersions(v.name, version) < 0)
    .map((v) => v.name as string)
    .sort(compareVersions);
  return better.length ? `${msg}; use ${spec.group}/${better[0]} ${spec.names.kind}` : msg;
}

function scaleOf(scale: Obj): ScaleSubresource {
  return {
    specReplicasPath: scale.specReplicasPath,
    statusReplicasPath: scale.statusReplicasPath,
    labelSelectorPath: scale.labelSelectorPath ?? '',
  };
}
