// The audit policy, as upstream's audit.k8s.io/v1 Policy: ordered rules, the first that matches
// a request decides its level (None, Metadata, Request, RequestResponse) and the stages left
// out; no match is None. Matching follows upstream's policy checker: users, userGroups, verbs,
// resources (group, "res", "res/sub", "*", "*/sub", "res/*", resourceNames), namespaces and
// nonResourceURLs ("/path" or "/prefix*").
import { parse as parseYaml } from 'yaml';
import type { Attributes } from '../authz/request-info';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const AUDIT_LEVELS: readonly AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: readonly AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

export interface AuditPolicy {
  omitStages?: AuditStage[];
  rules: PolicyRule[];
}

export interface AuditDecision {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
}

/**
 * The default (`skiff start --audit-policy default`): nothing for health checks, watches of
 * the components' own leases and events; Secrets, ConfigMaps and token requests/reviews at
 * Metadata (their bodies are credentials); other writes with their request body; the rest at
 * Metadata. RequestReceived is left out, as most upstream policies do.
 */
export const DEFAULT_AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: [/healthz*, /livez*, /readyz*, /version]
- level: None
  verbs: [get, list, watch]
  resources: [{group: coordination.k8s.io, resources: [leases]}, {group: "", resources: [events]}, {group: events.k8s.io, resources: [events]}]
- level: Metadata
  resources:
  - {group: "", resources: [secrets, configmaps, serviceaccounts/token]}
  - {group: authentication.k8s.io, resources: [tokenreviews]}
- level: Request
  verbs: [create, update, patch, delete, deletecollection]
- level: Metadata
`;

const NONE: AuditDecision = { level: 'None', omitStages: new Set() };

/** Parses and checks a policy file's text; errors say which rule and field are wrong. */
export function parseAuditPolicy(text: string, source = 'the audit policy'): AuditPolicy {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    throw new Error(`${source} is not valid YAML: ${String((e as Error).message).split('\n')[0]}`);
  }
  const fail = (what: string) => new Error(`${source}: ${what}`);
  const doc = rec(parsed);
  if (!doc) throw fail('expected a Policy object');
  if (doc.kind !== 'Policy') throw fail(`kind must be Policy, not ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== 'audit.k8s.io/v1') throw fail(`apiVersion must be audit.k8s.io/v1, not ${JSON.stringify(doc.apiVersion)}`);
  const strings = (v: unknown, field: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw fail(`${field} must be a list of strings`);
    return v as string[];
  };
  const stages = (v: unknown, field: string): AuditStage[] | undefined => {
    const list = strings(v, field);
    for (const s of list ?? [])
      if (!STAGES.includes(s as AuditStage)) throw fail(`${field}: unsupported stage "${s}" (${STAGES.join(', ')})`);
    return list as AuditStage[] | undefined;
  };
  if (!Array.isArray(doc.rules)) throw fail('rules must be a list');
  const rules = (doc.rules as unknown[]).map((item, i): PolicyRule => {
    const at = `rules[${i}]`;
    const r = rec(item);
    if (!r) throw fail(`${at} must be an object`);
    const level = r.level as AuditLevel;
    if (!AUDIT_LEVELS.includes(level))
      throw fail(`${at}.level: Unsupported value: ${JSON.stringify(r.level)}: supported values: ${AUDIT_LEVELS.join(', ')}`);
    const rule: PolicyRule = { level };
    for (const k of ['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs'] as const) {
      const v = strings(r[k], `${at}.${k}`);
      if (v) rule[k] = v;
    }
    const omit = stages(r.omitStages, `${at}.omitStages`);
    if (omit) rule.omitStages = omit;
    if (r.resources !== undefined && r.resources !== null) {
      if (!Array.isArray(r.resources)) throw fail(`${at}.resources must be a list`);
      rule.resources = (r.resources as unknown[]).map((entry, j): GroupResources => {
        const gat = `${at}.resources[${j}]`;
        const g = rec(entry);
        if (!g) throw fail(`${gat} must be an object`);
        if (g.group !== undefined && typeof g.group !== 'string') throw fail(`${gat}.group must be a string`);
        const resources = strings(g.resources, `${gat}.resources`);
        const resourceNames = strings(g.resourceNames, `${gat}.resourceNames`);
        if (resourceNames?.length && !resources?.length) throw fail(`${gat}.resourceNames: resourceNames require resources`);
        return { group: g.group ?? '', ...(resources ? { resources } : {}), ...(resourceNames ? { resourceNames } : {}) };
      });
    }
    if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length))
      throw fail(`${at}: rules cannot apply to both regular resources and non-resource URLs`);
    for (const u of rule.nonResourceURLs ?? [])
      if (u.includes('*') && u.indexOf('*') !== u.length - 1) throw fail(`${at}.nonResourceURLs: "${u}": * is only allowed at the end`);
    return rule;
  });
  const omitStages = stages(doc.omitStages, 'omitStages');
  return { ...(omitStages ? { omitStages } : {}), rules };
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The level and omitted stages for a request, from the first rule that matches it. */
export function auditDecision(policy: AuditPolicy, a: Attributes): AuditDecision {
  for (const r of policy.rules) {
    if (!ruleMatches(r, a)) continue;
    if (r.level === 'None') return NONE;
    let d = decisions.get(r);
    if (!d) {
      d = { level: r.level, omitStages: new Set([...(policy.omitStages ?? []), ...(r.omitStages ?? [])]) };
      decisions.set(r, d);
    }
    return d;
  }
  return NONE;
}

// A rule's decision is the same for every request it matches: made once.
const decisions = new WeakMap<PolicyRule, AuditDecision>();

function ruleMatches(r: PolicyRule, a: Attributes): boolean {
  if (r.users?.length && !r.users.includes(a.user.user)) return false;
  if (r.userGroups?.length && !(a.user.groups ?? []).some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return matchesResource(r, a);
  if (r.nonResourceURLs?.length) return !a.resourceRequest && r.nonResourceURLs.some((spec) => pathMatches(a.path, spec));
  return true;
}

function matchesResource(r: PolicyRule, a: Attributes): boolean {
  if (!a.resourceRequest) return false;
  if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
  if (!r.resources?.length) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && res.slice(2) === a.subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === a.resource) return true;
    }
  }
  return false;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.slice(0, -1));
}
