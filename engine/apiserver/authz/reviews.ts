// authorization.k8s.io/v1 reviews: SelfSubjectAccessReview, SubjectAccessReview and
// LocalSubjectAccessReview ask the authorizer one question; SelfSubjectRulesReview lists the
// rules that apply in a namespace (kubectl auth can-i [--list]).
import type { UserInfo } from '../../apimachinery/user-info';
import { errors } from '../status';
import type { Attributes } from './request-info';
import type { RbacAuthorizer } from './rbac-authorizer';
import { withAuthenticatedGroup } from './users';
import { fieldRequirements } from './request-info';
import type { FieldRequirement } from '../../apimachinery/selectors/field-selector';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export async function answerReview(
  authorizer: RbacAuthorizer,
  kind: string,
  body: Obj,
  requester: UserInfo,
  namespace: string | undefined,
): Promise<object | undefined> {
  const spec: Obj = obj(body.spec) ?? {};
  const head = { apiVersion: 'authorization.k8s.io/v1', kind, metadata: { ...obj(body.metadata), creationTimestamp: null } };
  if (kind === 'SelfSubjectRulesReview') {
    const ns = typeof spec.namespace === 'string' ? spec.namespace : '';
    return { ...head, spec, status: await rulesReview(authorizer, requester, ns) };
  }
  let subject: UserInfo;
  if (kind === 'SelfSubjectAccessReview') subject = requester;
  else if (kind === 'SubjectAccessReview' || kind === 'LocalSubjectAccessReview') {
    const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
    if (!spec.user && !groups.length) {
      throw errors.invalid(kind, 'authorization.k8s.io', '', [
        { field: 'spec.user', reason: 'FieldValueInvalid', message: 'Invalid value: "": at least one of user or group must be specified' },
      ]);
    }
    subject = { user: str(spec.user), groups };
  } else return undefined;
  const ra = obj(spec.resourceAttributes);
  const nra = obj(spec.nonResourceAttributes);
  if (!!ra === !!nra) {
    throw errors.invalid(kind, 'authorization.k8s.io', '', [
      {
        field: 'spec.resourceAttributes',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      },
    ]);
  }
  if (kind === 'LocalSubjectAccessReview') {
    if (!ra) throw errors.badRequest('disallowed on this kind of request');
    if (ra.namespace && ra.namespace !== namespace) {
      throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
    }
    ra.namespace = namespace;
  }
  const fieldSelector = ra ? selectorAttributes(kind, ra) : undefined;
  const a: Attributes = ra
    ? {
        user: subject,
        verb: str(ra.verb),
        resourceRequest: true,
        path: '',
        apiGroup: str(ra.group),
        apiVersion: str(ra.version),
        namespace: str(ra.namespace),
        resource: str(ra.resource),
        subresource: str(ra.subresource),
        name: str(ra.name),
        ...(fieldSelector ? { fieldSelector } : {}),
      }
    : {
        user: subject,
        verb: str(nra?.verb),
        resourceRequest: false,
        path: str(nra?.path),
        apiGroup: '',
        apiVersion: '',
        namespace: '',
        resource: '',
        subresource: '',
        name: '',
      };
  const d = await authorizer.authorize(a);
  return {
    ...head,
    ...(namespace && kind === 'LocalSubjectAccessReview' ? { metadata: { ...head.metadata, namespace } } : {}),
    spec,
    status: { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) },
  };
}

/**
 * KEP-4601: resourceAttributes.fieldSelector and labelSelector, each a rawSelector or
 * requirements (not both), validated with upstream's wording. RBAC ignores both; the field
 * selector reaches the Node authorizer (a node may list its own pods by spec.nodeName). As
 * upstream, a requirement is In or NotIn with one value; anything else leaves the request
 * without a field selector (which narrows nothing, so it is never allowed more).
 */
function selectorAttributes(kind: string, ra: Obj): FieldRequirement[] | undefined {
  const problems: { field: string; reason: string; message: string }[] = [];
  for (const name of ['fieldSelector', 'labelSelector']) {
    const sel = obj(ra[name]);
    if (!sel) continue;
    const path = `spec.resourceAttributes.${name}`;
    const raw = str(sel.rawSelector);
    const reqs = Array.isArray(sel.requirements) ? sel.requirements : [];
    if (raw && reqs.length)
      problems.push({
        field: `${path}.rawSelector`,
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(raw)}: may not specified at the same time as requirements`,
      });
    if (!raw && !reqs.length)
      problems.push({
        field: `${path}.requirements`,
        reason: 'FieldValueRequired',
        message: `Required value: when ${path} is specified, requirements or rawSelector is required`,
      });
    reqs.forEach((r, i) => {
      if (!str(obj(r)?.key))
        problems.push({
          field: `${path}.requirements[${i}].key`,
          reason: 'FieldValueRequired',
          message: 'Required value: must be specified',
        });
    });
  }
  if (problems.length) throw errors.invalid(kind, 'authorization.k8s.io', '', problems);
  const sel = obj(ra.fieldSelector);
  if (!sel) return undefined;
  if (sel.rawSelector) return fieldRequirements(str(sel.rawSelector));
  const out: FieldRequirement[] = [];
  for (const r of sel.requirements as unknown[]) {
    const { key, operator, values } = obj(r) ?? {};
    const vs = Array.isArray(values) ? values.map(String) : [];
    if (vs.length !== 1 || (operator !== 'In' && operator !== 'NotIn')) return undefined;
    out.push({ field: str(key), operator: operator === 'In' ? '=' : '!=', value: vs[0] });
  }
  return out;
}

async function rulesReview(authorizer: RbacAuthorizer, user: UserInfo, namespace: string) {
  const { rules, errors: resolutionErrors } = await authorizer.rulesFor(withAuthenticatedGroup(user), namespace);
  const resourceRules: Obj[] = [];
  const nonResourceRules: Obj[] = [];
  for (const { rule } of rules) {
    if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
    else {
      resourceRules.push({
        verbs: rule.verbs ?? [],
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources ?? [],
        ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
      });
    }
  }
  return {
    resourceRules,
    nonResourceRules,
    incomplete: resolutionErrors.length > 0,
    ...(resolutionErrors.length ? { evaluationError: resolutionErrors.join(', ') } : {}),
  };
}
