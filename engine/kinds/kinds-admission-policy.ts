// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding:
// CEL validations the API server runs in admission (apiserver/admission/policy/). Every
// expression is compiled when the policy is written, so a policy that cannot run is refused.
import type { FieldError, KubeObject } from './types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from './printing';
import { child, duplicate, index, invalid, notSupported, required } from './field-errors';
import { compileCel, CelCompileError } from '../apimachinery/cel/cel';

type Obj = Record<string, any>;

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
  (conds as Obj[]).forEach((c, i) => {
    const cp = index(p, i);
    if (!c?.name) errs.push(required(child(cp, 'name')));
    else if (seen.has(c.name)) errs.push(duplicate(child(cp, 'name'), c.name));
    else seen.add(c.name);
    compiles(c?.expression, child(cp, 'expression'), true, errs);
  });
  return errs;
}

function validatePolicy(o: KubeObject): FieldError[] {
  const spec: Obj = o.spec ?? {};
  const errs: FieldError[] = [];
  const validations: Obj[] = Array.isArray(spec.validations) ? spec.validations : [];
  const audits: Obj[] = Array.isArray(spec.auditAnnotations) ? spec.auditAnnotations : [];
  if (!validations.length && !audits.length)
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  if (!spec.matchConstraints?.resourceRules?.length) errs.push(required('spec.matchConstraints.resourceRules'));
  if (!['Fail', 'Ignore'].includes(spec.failurePolicy))
    errs.push(notSupported('spec.failurePolicy', spec.failurePolicy, ['Fail', 'Ignore']));
  validations.forEach((v, i) => {
    const p = index('spec.validations', i);
    compiles(v?.expression, child(p, 'expression'), true, errs);
    if (v?.messageExpression !== undefined) compiles(v.messageExpression, child(p, 'messageExpression'), false, errs);
    if (v?.reason !== undefined && !REASONS.includes(v.reason)) errs.push(notSupported(child(p, 'reason'), v.reason, REASONS));
  });
  const names = new Set<string>();
  (Array.isArray(spec.variables) ? (spec.variables as Obj[]) : []).forEach((v, i) => {
    const p = index('spec.variables', i);
    if (!v?.name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(v.name)))
      errs.push(invalid(child(p, 'name'), v?.name ?? '', 'name is not a valid CEL identifier'));
    else if (names.has(v.name)) errs.push(duplicate(child(p, 'name'), v.name));
    else names.add(v.name);
    compiles(v?.expression, child(p, 'expression'), false, errs);
  });
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions'));
  return errs;
}

function validateBinding(o: KubeObject): FieldError[] {
  const spec: Obj = o.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(required('spec.policyName'));
  const actions: unknown = spec.validationActions;
  if (!Array.isArray(actions) || !actions.length) errs.push(required('spec.validationActions'));
  else {
    (actions as string[]).forEach((a, i) => {
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
  }
  const ref: Obj | undefined = spec.paramRef;
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
      (o) => (o.spec?.validations ?? []).length,
    ),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy', (o) =>
      o.spec?.paramKind ? `${o.spec.paramKind.apiVersion}/${o.spec.paramKind.kind}` : '<unset>',
    ),
    ageColumn(),
  ],
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.failurePolicy ??= 'Fail';
    const m = (spec.matchConstraints ??= {});
    m.matchPolicy ??= 'Equivalent';
    m.namespaceSelector ??= {};
    m.objectSelector ??= {};
    for (const r of m.resourceRules ?? []) if (r && typeof r === 'object') r.scope ??= '*';
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
    column('PolicyName', 'string', 'PolicyName references a ValidatingAdmissionPolicy name', (o) => o.spec?.policyName ?? ''),
    column('ParamRef', 'string', 'ParamRef specifies the parameter resource used to configure the admission control policy', (o) =>
      o.spec?.paramRef ? `${o.spec.paramRef.namespace ?? ''}/${o.spec.paramRef.name ?? '*'}` : '<unset>',
    ),
    ageColumn(),
  ],
  defaults: (o) => {
    const m = o.spec?.matchResources;
    if (m && typeof m === 'object') {
      m.matchPolicy ??= 'Equivalent';
      m.namespaceSelector ??= {};
      m.objectSelector ??= {};
    }
    const ref = o.spec?.paramRef;
    if (ref && typeof ref === 'object' && ref.parameterNotFoundAction === undefined) ref.parameterNotFoundAction = 'Deny';
  },
  validate: validateBinding,
});
