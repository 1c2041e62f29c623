// authorization.k8s.io/v1: the create-only review kinds behind `kubectl auth can-i [--list]`
// (answered by the API server's authorizer, never stored).
import type { FieldError } from '../types';
import { CREATE_ONLY, defineKind } from './define-kind';
import { invalid } from '../validation/validation';

type Obj = Record<string, unknown>;
const GROUP = 'authorization.k8s.io';

function validateAccessReview(r: Obj, needsSubject: boolean): FieldError[] {
  const spec = (r.spec && typeof r.spec === 'object' ? r.spec : {}) as Obj;
  const errs: FieldError[] = [];
  if (!!spec.resourceAttributes === !!spec.nonResourceAttributes) {
    errs.push(invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  if (needsSubject && !spec.user && !(Array.isArray(spec.groups) && spec.groups.length)) {
    errs.push(invalid('spec.user', '', 'at least one of user or group must be specified'));
  }
  return errs;
}

export const localSubjectAccessReviewKind = defineKind({
  group: GROUP,
  version: 'v1',
  kind: 'LocalSubjectAccessReview',
  plural: 'localsubjectaccessreviews',
  namespaced: true,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1LocalSubjectAccessReview',
  validate: (r) => validateAccessReview(r, true),
});

export const selfSubjectAccessReviewKind = defineKind({
  group: GROUP,
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1SelfSubjectAccessReview',
  validate: (r) => validateAccessReview(r, false),
});

export const selfSubjectRulesReviewKind = defineKind({
  group: GROUP,
  version: 'v1',
  kind: 'SelfSubjectRulesReview',
  plural: 'selfsubjectrulesreviews',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1SelfSubjectRulesReview',
});

export const subjectAccessReviewKind = defineKind({
  group: GROUP,
  version: 'v1',
  kind: 'SubjectAccessReview',
  plural: 'subjectaccessreviews',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1SubjectAccessReview',
  validate: (r) => validateAccessReview(r, true),
});
