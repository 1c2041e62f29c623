// CustomResourceDefinition (apiextensions.k8s.io/v1): its validation and strategy. Conditions are
// not set here: the API server's CRD controller sets NamesAccepted and Established once the
// resources are really served, and cleans up instances behind the customresourcecleanup finalizer.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from '../defs/define-kind';
import { goRaw } from '../go-format';
import { child, index, invalid, isDNS1035Label, oneOf, required } from '../validation/validation';
import { forbidden } from '../validation/field-errors';
import { compileJsonPath } from './jsonpath';
import { checkStructural } from './structural-check';
import { compileSchemaRules } from './crd-rules';
import type { CrdConversion, CrdNames, CrdSpec, CrdVersion } from './crd-kinds';
import type { Condition } from '../../apimachinery/workload-types';
import type { StructuralSchema } from './structural-schema';

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** spec.conversion as upstream validates it (None, or Webhook with a clientConfig and review versions). */
function validateConversion(c: CrdConversion | undefined): FieldError[] {
  if (!c) return [];
  const errs = oneOf('spec.conversion.strategy', c.strategy, ['None', 'Webhook']);
  const w = c.webhook;
  if (c.strategy === 'None' && w) errs.push(forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  if (c.strategy !== 'Webhook') return errs;
  if (!w) return [...errs, required('spec.conversion.webhook', 'required when strategy is set to Webhook')];
  const versions: unknown[] = Array.isArray(w.conversionReviewVersions) ? w.conversionReviewVersions : [];
  if (!versions.includes('v1') && !versions.includes('v1beta1')) {
    errs.push(required('spec.conversion.webhook.conversionReviewVersions', 'must include at least one of v1, v1beta1'));
  }
  const cc = w.clientConfig ?? {};
  if (!cc.url === !cc.service) errs.push(required('spec.conversion.webhook.clientConfig', 'exactly one of url or service is required'));
  else if (cc.url && !(typeof cc.url === 'string' && cc.url.startsWith('https://'))) {
    errs.push(invalid('spec.conversion.webhook.clientConfig.url', cc.url, "'https' is the only allowed URL scheme"));
  } else if (cc.service && (!cc.service.name || !cc.service.namespace)) {
    errs.push(
      required(
        `spec.conversion.webhook.clientConfig.service.${cc.service.name ? 'namespace' : 'name'}`,
        'service namespace and name are required',
      ),
    );
  }
  return errs;
}

function validateCrd(crd: KubeObject, old?: KubeObject): FieldError[] {
  // A status write keeps the stored spec object itself: it was checked when written, and
  // checking megabytes of schema again on each condition change is what upstream avoids too
  // (its status strategy validates only the status).
  if (old && crd.spec === old.spec) return [];
  const spec: CrdSpec = crd.spec ?? {};
  const names: CrdNames = spec.names ?? {};
  const errs: FieldError[] = [];
  const want = `${names.plural}.${spec.group}`;
  if (crd.metadata.name !== want) errs.push(invalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!spec.group) errs.push(required('spec.group'));
  else if (!String(spec.group).includes('.')) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (!spec.scope) errs.push(required('spec.scope'));
  else errs.push(...oneOf('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  for (const f of ['plural', 'singular'] as const) {
    if (!names[f]) errs.push(required(`spec.names.${f}`));
    else for (const m of isDNS1035Label(names[f] ?? '')) errs.push(invalid(`spec.names.${f}`, names[f], m));
  }
  if (!names.kind) errs.push(required('spec.names.kind'));
  if (!names.listKind) errs.push(required('spec.names.listKind'));
  errs.push(...validateConversion(spec.conversion));
  const versions: CrdVersion[] = spec.versions ?? [];
  if (versions.filter((v) => v.storage).length !== 1) {
    const value = versions.length
      ? goRaw('[]apiextensions.CustomResourceDefinitionVersion{...}')
      : goRaw('[]apiextensions.CustomResourceDefinitionVersion(nil)');
    errs.push(invalid('spec.versions', value, 'must have exactly one version marked as storage version'));
  }
  versions.forEach((v, i) => {
    const p = index('spec.versions', i);
    if (!v.name) errs.push(required(child(p, 'name')));
    if (v.served === undefined) errs.push(required(child(p, 'served')));
    if (v.storage === undefined) errs.push(required(child(p, 'storage')));
    const schemaPath = child(child(p, 'schema'), 'openAPIV3Schema');
    if (!v.schema?.openAPIV3Schema) errs.push(required(schemaPath, 'schemas are required'));
    else {
      const schema: unknown = v.schema.openAPIV3Schema;
      const structural = checkStructural(schema, schemaPath);
      errs.push(...structural);
      if (!structural.length) errs.push(...compileSchemaRules(schema as StructuralSchema, schemaPath).errors);
    }
    (v.additionalPrinterColumns ?? []).forEach((c, j) => {
      const cp = index(child(p, 'additionalPrinterColumns'), j);
      if (!c.name) errs.push(required(child(cp, 'name')));
      if (!c.jsonPath) errs.push(required(child(cp, 'jsonPath')));
      else {
        try {
          compileJsonPath(c.jsonPath);
        } catch {
          errs.push(invalid(child(cp, 'jsonPath'), c.jsonPath, 'must be a simple json path'));
        }
      }
      if (c.type) errs.push(...oneOf(child(cp, 'type'), c.type, ['integer', 'number', 'string', 'boolean', 'date']));
    });
    const scale = v.subresources?.scale;
    if (scale) {
      const sp = child(child(p, 'subresources'), 'scale');
      if (!scale.specReplicasPath) errs.push(required(child(sp, 'specReplicasPath')));
      if (!scale.statusReplicasPath) errs.push(required(child(sp, 'statusReplicasPath')));
    }
  });
  return errs;
}

export const customResourceDefinitionKind = defineKind({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  shortNames: ['crd', 'crds'],
  namespaced: false,
  categories: ['api-extensions'],
  subresources: { status: true },
  model: 'V1CustomResourceDefinition',
  defaults: (crd) => {
    const spec = (crd.spec ??= {});
    const names = (spec.names ??= {});
    if (names.kind) {
      names.singular ??= String(names.kind).toLowerCase();
      names.listKind ??= `${names.kind}List`;
    }
    spec.conversion ??= { strategy: 'None' };
  },
  // As upstream's strategy: status starts empty but for the stored version; the CRD controller
  // sets the conditions once the resources are served.
  prepareForCreate: (crd) => {
    const storage = (crd.spec?.versions ?? []).find((v: CrdVersion) => v.storage)?.name;
    crd.status = { acceptedNames: { kind: '', plural: '' }, conditions: [], storedVersions: storage ? [storage] : [] };
  },
  // The first delete only marks the CRD: the controller deletes its objects, then the finalizer.
  prepareForDelete: (crd) => {
    const finalizers: string[] = crd.metadata.finalizers ?? [];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
    const conditions = (crd.status?.conditions ?? []).filter((c: Condition) => c.type !== 'Terminating');
    conditions.push({
      type: 'Terminating',
      status: 'True',
      lastTransitionTime: rfc3339(new Date()),
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    });
    crd.status = { ...(crd.status ?? {}), conditions };
  },
  validate: validateCrd,
});
