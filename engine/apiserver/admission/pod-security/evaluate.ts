// Evaluates a pod against a level and version as upstream's check registry does: baseline runs
// the baseline checks; restricted runs its own plus every baseline check it does not override.
// Checks run in upstream's order (baseline ids sorted, then restricted ids sorted), so messages
// list reasons in the same order as kube-apiserver's.
import type { Check, CheckFn } from './check-types';
import { BASELINE_CHECKS } from './baseline-checks';
import { RESTRICTED_CHECKS } from './restricted-checks';
import { effectiveMinor, type LevelVersion } from './levels';
import type { PodMetaFields, PodSpecFields } from './pod-fields';

export interface Violation {
  reason: string;
  detail: string;
}

const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERED = [...[...BASELINE_CHECKS].sort(byId), ...[...RESTRICTED_CHECKS].sort(byId)];

function versionFor(check: Check, minor: number) {
  let found: Check['versions'][number] | undefined;
  for (const v of check.versions) if (v.minor <= minor) found = v;
  return found;
}

/** The check functions for one level and version, in order (memoized: there are few). */
const plans = new Map<string, CheckFn[]>();
function plan(lv: LevelVersion): CheckFn[] {
  const minor = effectiveMinor(lv.version);
  const key = `${lv.level}:${minor}`;
  let fns = plans.get(key);
  if (fns) return fns;
  const active = ORDERED.map((c) => ({ c, v: versionFor(c, minor) })).filter((x) => x.v);
  const overridden = new Set(lv.level === 'restricted' ? active.flatMap((x) => x.v!.overrides ?? []) : []);
  fns = active.filter(({ c }) => (c.level === 'baseline' ? !overridden.has(c.id) : lv.level === 'restricted')).map(({ v }) => v!.check);
  plans.set(key, fns);
  return fns;
}

/** Every violation of `lv` (none at privileged). */
export function evaluatePod(lv: LevelVersion, meta: PodMetaFields, spec: PodSpecFields): Violation[] {
  if (lv.level === 'privileged') return [];
  const out: Violation[] = [];
  for (const check of plan(lv)) {
    const r = check(meta ?? {}, spec ?? {});
    if (r) out.push(r);
  }
  return out;
}

/** `reason (detail), reason (detail)`: the text after "violates PodSecurity \"baseline:latest\": ". */
export function violationsText(violations: Violation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/** Reasons only, as the namespace-label warnings list them. */
export function reasonsText(violations: Violation[]): string {
  return violations.map((v) => v.reason).join(', ');
}
