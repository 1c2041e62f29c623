// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { child, index, invalid, notSupported, required } from '../validation/validation';
import { goRaw, goStringSlice } from '../go-format';

/** A PolicyRule of a Role or ClusterRole. */
interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (rules ?? []).forEach((rule, i) => {
    const p = index('rules', i);
    if (!rule.verbs?.length) errs.push(required(child(p, 'verbs'), 'verbs must contain at least one value'));
    if (rule.nonResourceURLs?.length) {
      const urls = goRaw(goStringSlice(rule.nonResourceURLs));
      if (namespaced) errs.push(invalid(child(p, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
        errs.push(invalid(child(p, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (!rule.apiGroups?.length) errs.push(required(child(p, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (!rule.resources?.length) errs.push(required(child(p, 'resources'), 'resource rules must supply at least one resource'));
  });
  return errs;
}

/** users, groups and "namespace/name" service accounts of a binding, for the wide columns. */
export function bindingSubjects(b: KubeObject): { users: string; groups: string; serviceAccounts: string } {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of b.subjects ?? []) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return { users: users.join(', '), groups: groups.join(', '), serviceAccounts: sas.join(', ') };
}

function bindingColumns(what: string) {
  return [
    nameColumn(),
    column('Role', 'string', 'The role this binding grants (kind/name).', (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`),
    ageColumn(),
    column('Users', 'string', `Users in the ${what}`, (o) => bindingSubjects(o).users, 1),
    column('Groups', 'string', `Groups in the ${what}`, (o) => bindingSubjects(o).groups, 1),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, (o) => bindingSubjects(o).serviceAccounts, 1),
  ];
}

function defaultBinding(b: KubeObject): void {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    if ((s.kind === 'User' || s.kind === 'Group') && s.apiGroup === undefined) s.apiGroup = RBAC_GROUP;
  }
}

function validateBinding(b: KubeObject, old: KubeObject | undefined, roleKinds: string[], namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref: RoleRef = b.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (!roleKinds.includes(ref.kind ?? '')) errs.push(notSupported('roleRef.kind', ref.kind ?? '', roleKinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  (b.subjects ?? []).forEach((s: Subject, i: number) => {
    const p = index('subjects', i);
    if (!s.name) errs.push(required(child(p, 'name')));
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) errs.push(notSupported(child(p, 'apiGroup'), s.apiGroup, ['']));
      if (!s.namespace && !namespaced) errs.push(required(child(p, 'namespace')));
    } else if (s.kind === 'User' || s.kind === 'Group') {
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(child(p, 'apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
    } else {
      errs.push(notSupported(child(p, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  const prev: RoleRef | undefined = old?.roleRef;
  if (prev && (prev.apiGroup !== ref.apiGroup || prev.kind !== ref.kind || prev.name !== ref.name)) {
    errs.push(
      invalid(
        'roleRef',
        goRaw(
          `rbac.RoleRef{APIGroup:${JSON.stringify(ref.apiGroup ?? '')}, Kind:${JSON.stringify(ref.kind ?? '')}, Name:${JSON.stringify(ref.name ?? '')}}`,
        ),
        'cannot change roleRef',
      ),
    );
  }
  return errs;
}

export const roleKind = defineKind({
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
  model: 'V1Role',
  validate: (r) => validateRules(r.rules, true),
});

export const clusterRoleKind = defineKind({
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
  model: 'V1ClusterRole',
  validate: (r) => validateRules(r.rules, false),
});

export const roleBindingKind = defineKind({
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
  model: 'V1RoleBinding',
  printerColumns: bindingColumns('roleBinding'),
  defaults: defaultBinding,
  validate: (b, old) => validateBinding(b, old, ['Role', 'ClusterRole'], true),
});

export const clusterRoleBindingKind = defineKind({
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
  model: 'V1ClusterRoleBinding',
  printerColumns: bindingColumns('clusterRoleBinding'),
  defaults: defaultBinding,
  validate: (b, old) => validateBinding(b, old, ['ClusterRole'], false),
});
