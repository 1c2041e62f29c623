// RBAC PolicyRule matching and coverage, as upstream's rbac/v1 helpers and validation.Covers:
// `*` matches any verb, group or resource, `*/sub` any resource's subresource, a trailing `*`
// in a nonResourceURL a prefix; empty resourceNames match every name.
import type { Attributes } from './request-info';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

export function verbMatches(r: PolicyRule, verb: string): boolean {
  return has(r.verbs, verb);
}

export function apiGroupMatches(r: PolicyRule, group: string): boolean {
  return has(r.apiGroups, group);
}

export function resourceMatches(r: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const res of r.resources ?? []) {
    if (res === '*' || res === combined) return true;
    // `*/scale` grants the scale subresource of every resource.
    if (subresource && res === `*/${subresource}`) return true;
  }
  return false;
}

export function resourceNameMatches(r: PolicyRule, name: string): boolean {
  if (!r.resourceNames?.length) return true;
  return r.resourceNames.includes(name);
}

export function nonResourceURLMatches(r: PolicyRule, path: string): boolean {
  for (const u of r.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(a: Attributes, r: PolicyRule): boolean {
  if (a.resourceRequest) {
    return (
      verbMatches(r, a.verb) &&
      apiGroupMatches(r, a.apiGroup) &&
      resourceMatches(r, a.resource, a.subresource) &&
      resourceNameMatches(r, a.name)
    );
  }
  return verbMatches(r, a.verb) && nonResourceURLMatches(r, a.path);
}

/**
 * Whether `owner` grants at least everything `servant` does (escalation checks). Each servant
 * rule is broken down into single (verb, group, resource, name) or (verb, url) rules, each of
 * which some owner rule must match — upstream's breakdown with `*` compared literally.
 */
export function covers(owner: PolicyRule[], servant: PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of servant) {
    for (const small of breakdown(rule)) {
      if (!owner.some((o) => ruleCovers(o, small))) missing.push(small);
    }
  }
  return { covered: missing.length === 0, missing };
}

function breakdown(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of r.verbs ?? []) {
    for (const url of r.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
    for (const group of r.apiGroups ?? []) {
      for (const resource of r.resources ?? []) {
        if (r.resourceNames?.length) {
          for (const name of r.resourceNames) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
        } else out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
      }
    }
  }
  return out;
}

function ruleCovers(owner: PolicyRule, small: PolicyRule): boolean {
  if (!has(owner.verbs, small.verbs![0])) return false;
  if (small.nonResourceURLs) {
    const url = small.nonResourceURLs[0];
    return (owner.nonResourceURLs ?? []).some((o) => o === '*' || o === url || (o.endsWith('*') && url.startsWith(o.slice(0, -1))));
  }
  if (!has(owner.apiGroups, small.apiGroups![0])) return false;
  const res = small.resources![0];
  const ownsResource = (owner.resources ?? []).some((o) => {
    if (o === '*' || o === res) return true;
    const slash = res.indexOf('/');
    // `*/scale` in the owner covers `x/scale`; `x/*` covers every subresource of x.
    if (slash > 0 && (o === `*${res.slice(slash)}` || o === `${res.slice(0, slash)}/*`)) return true;
    return false;
  });
  if (!ownsResource) return false;
  if (!owner.resourceNames?.length) return true;
  return !!small.resourceNames && owner.resourceNames.includes(small.resourceNames[0]);
}
