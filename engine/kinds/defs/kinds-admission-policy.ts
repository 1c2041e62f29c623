// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding:
// CEL validations the API server runs in admission (apiserver/admission/policy/). Every
// expression is compiled when the policy is written, so a policy that cannot run is refused.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { child, duplicate, index, invalid, notSupported, required } from '../validation/field-errors';
import { compileCel, CelCompileError } from '../../apimachinery/cel/cel';
import type { LabelSelector } from '../../apimachinery/selectors/label-selector';
import { isQualifiedName } from '../../apimachinery/validation-strings';
import type { WebhookRule } from './kinds-admissionregistration';

/** A policy's resource rule: a webhook rule that may also name objects. */
export interface PolicyResourceRule extends WebhookRule {
  resourceNames?: string[];
}

export interface MatchResources {
  resourceRules?: PolicyResourceRule[];
  excludeResourceRules?: PolicyResourceRule[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchPolicy?: string;
}

export interface NamedExpression {
  name?: string;
  expression?: string;
}

export interface PolicyValidation {
  expression?: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

export interface PolicySpec {
  failurePolicy?: string;
  matchConstraints?: MatchResources;
  validations?: PolicyValidation[];
  auditAnnotations?: { key?: string; valueExpression?: string }[];
  variables?: NamedExpression[];
  matchConditions?: NamedExpression[];
  paramKind?: { apiVersion?: string; kind?: string };
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction?: string;
}

export interface BindingSpec {
  policyName?: string;
  validationActions?: string[];
  matchResources?: MatchResources;
  paramRef?: ParamRef;
}

export const policySpecOf = (o: KubeObject): PolicySpec => (o.spec ?? {}) as PolicySpec;
export const bindingSpecOf = (o: KubeObject): BindingSpec => (o.spec ?? {}) as BindingSpec;
const listOf = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** Variables a policy's expressions may name. */
export const POLICY_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables', 'authorizer'];
const ACTIONS = ['Deny', 'Warn', 'Audit'];
const REASONS = ['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'];

function compiles(expr: unknown, p: string, wantBool: boolean, errs: FieldError[]): void {
  if (typeof expr !== 'string' || !expr.trim()) {
    errs.push(required(p));
    return;
  }
  try {
    compileCel(expr, { variables: POLICY_VARIABLES, wantBool });
  } catch (e) {
    if (!(e instanceof CelCompileError)) throw e;
    errs.push(invalid(p, expr, `compilation failed: ${e.message}`));
  }
}

/** matchConditions of policies and webhooks: named bool expressions. */
export function validateMatchConditions(conds: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (conds === undefined) return errs;
  if (!Array.isArray(conds)) return [invalid(p, conds, 'must be a list')];
  const seen = new Set<string>();
  listOf<NamedExpression>(conds).forEach((c, i) => {
    const cp = index(p, i);
    if (!c?.name) errs.push(required(child(cp, 'name')));
    else if (seen.has(c.name)) errs.push(duplicate(child(cp, 'name'), c.name));
    else seen.add(c.name);
    compiles(c?.expression, child(cp, 'expression'), true, errs);
  });
  return errs;
}

function validatePolicy(o: KubeObject): FieldError[] {
  const spec = policySpecOf(o);
  const errs: FieldError[] = [];
  const validations = listOf<PolicyValidation>(spec.validations);
  if (!validations.length && !listOf(spec.auditAnnotations).length) {
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  }
  if (!spec.matchConstraints?.resourceRules?.length) errs.push(required('spec.matchConstraints.resourceRules'));
  if (!['Fail', 'Ignore'].includes(spec.failurePolicy ?? '')) {
    errs.push(notSupported('spec.failurePolicy', spec.failurePolicy, ['Fail', 'Ignore']));
  }
  validations.forEach((v, i) => {
    const p = index('spec.validations', i);
    compiles(v?.expression, child(p, 'expression'), true, errs);
    if (v?.messageExpression !== undefined) compiles(v.messageExpression, child(p, 'messageExpression'), false, errs);
    if (v?.reason !== undefined && !REASONS.includes(v.reason)) errs.push(notSupported(child(p, 'reason'), v.reason, REASONS));
  });
  const keys = new Set<string>();
  listOf<{ key?: unknown; valueExpression?: unknown }>(spec.auditAnnotations).forEach((x, i) => {
    const p = index('spec.auditAnnotations', i);
    const key = typeof x?.key === 'string' ? x.key : '';
    if (!key) errs.push(required(child(p, 'key')));
    else if (keys.has(key)) errs.push(duplicate(child(p, 'key'), key));
    else {
      keys.add(key);
      // The annotation is "<policy name>/<key>", which must be a qualified name.
      const problems = isQualifiedName(`${o.metadata.name ?? ''}/${key}`);
      if (problems.length) errs.push(invalid(child(p, 'key'), key, problems.join(', ')));
    }
    compiles(x?.valueExpression, child(p, 'valueExpression'), false, errs);
  });
  const names = new Set<string>();
  listOf<NamedExpression>(spec.variables).forEach((v, i) => {
    const p = index('spec.variables', i);
    const name = v?.name ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) errs.push(invalid(child(p, 'name'), name, 'name is not a valid CEL identifier'));
    else if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else names.add(name);
    compiles(v?.expression, child(p, 'expression'), false, errs);
  });
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions'));
  return errs;
}

function validateBinding(o: KubeObject): FieldError[] {
  const spec = bindingSpecOf(o);
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(required('spec.policyName'));
  const actions = listOf<string>(spec.validationActions);
  if (!actions.length) errs.push(required('spec.validationActions'));
  actions.forEach((a, i) => {
    if (!ACTIONS.includes(a)) errs.push(notSupported(index('spec.validationActions', i), a, ACTIONS));
  });
  if (actions.includes('Deny') && actions.includes('Warn')) {
    errs.push(
      invalid(
        'spec.validationActions',
        actions,
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  }
  const ref = spec.paramRef;
  if (ref) {
    if (!!ref.name === !!ref.selector) errs.push(required('spec.paramRef', 'one of name or selector must be specified'));
    if (ref.parameterNotFoundAction !== undefined && !['Allow', 'Deny'].includes(ref.parameterNotFoundAction)) {
      errs.push(notSupported('spec.paramRef.parameterNotFoundAction', ref.parameterNotFoundAction, ['Allow', 'Deny']));
    }
  }
  return errs;
}

export const validatingAdmissionPolicyKind = defineKind({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: { status: true },
  model: 'V1ValidatingAdmissionPolicy',
  printerColumns: [
    nameColumn(),
    column(
      'Validations',
      'integer',
      'Validations indicates the number of validation expressions',
      (o) => listOf(policySpecOf(o).validations).length,
    ),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy', (o) => {
      const k = policySpecOf(o).paramKind;
      return k ? `${k.apiVersion ?? ''}/${k.kind ?? ''}` : '<unset>';
    }),
    ageColumn(),
  ],
  defaults: (o) => {
    o.spec ??= {};
    const spec = policySpecOf(o);
    spec.failurePolicy ??= 'Fail';
    const m = (spec.matchConstraints ??= {});
    m.matchPolicy ??= 'Equivalent';
    m.namespaceSelector ??= {};
    m.objectSelector ??= {};
    for (const r of listOf<PolicyResourceRule>(m.resourceRules)) if (r && typeof r === 'object') r.scope ??= '*';
  },
  validate: validatePolicy,
});

export const validatingAdmissionPolicyBindingKind = defineKind({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  namespaced: false,
  categories: ['api-extensions'],
  model: 'V1ValidatingAdmissionPolicyBinding',
  printerColumns: [
    nameColumn(),
    column('PolicyName', 'string', 'PolicyName references a ValidatingAdmissionPolicy name', (o) => bindingSpecOf(o).policyName ?? ''),
    column('ParamRef', 'string', 'ParamRef specifies the parameter resource used to configure the admission control policy', (o) => {
      const ref = bindingSpecOf(o).paramRef;
      return ref ? `${ref.namespace ?? ''}/${ref.name ?? '*'}` : '<unset>';
    }),
    ageColumn(),
  ],
  defaults: (o) => {
    const m = bindingSpecOf(o).matchResources;
    if (m && typeof m === 'object') {
      m.matchPolicy ??= 'Equivalent';
      m.namespaceSelector ??= {};
      m.objectSelector ??= {};
    }
    const ref = bindingSpecOf(o).paramRef;
    if (ref && typeof ref === 'object' && ref.parameterNotFoundAction === undefined) ref.parameterNotFoundAction = 'Deny';
  },
  validate: validateBinding,
});
