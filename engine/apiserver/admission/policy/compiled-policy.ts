// A ValidatingAdmissionPolicy compiled once per resourceVersion: its matchConditions, variables
// and validations as CEL programs, and how to run them on one request's variables.
import type { KubeObject } from '../../../kinds/types';
import { POLICY_VARIABLES, policySpecOf, type NamedExpression, type PolicyValidation } from '../../../kinds/defs/kinds-admission-policy';
import {
  compileCel,
  CelCostError,
  CelEvalError,
  CelSuspend,
  LazyMap,
  PER_CALL_COST_LIMIT,
  type CelValue,
  type CostBudget,
  typeName,
} from '../../../apimachinery/cel/cel';

const MAX_AUDIT_VALUE = 10 * 1024;

export interface Violation {
  message: string;
  /** Status reason: Invalid (default), Forbidden, Unauthorized, RequestEntityTooLarge. */
  reason: string;
}

export interface CompiledPolicy {
  /** false when a matchCondition is false; throws CelEvalError when one fails to evaluate. */
  matches(vars: Record<string, CelValue>, budget: CostBudget): boolean;
  /** The failed validations (evaluation errors become violations unless failurePolicy is Ignore). */
  validate(vars: Record<string, CelValue>, budget: CostBudget): Violation[];
  /** auditAnnotations' values (null or empty values are left out, as upstream). */
  audit(vars: Record<string, CelValue>, budget: CostBudget): { key: string; value: string }[];
  /** The request's variables plus the policy's own `variables`, evaluated lazily. */
  withVariables(vars: Record<string, CelValue>, budget: CostBudget): Record<string, CelValue>;
}

export function compilePolicy(policy: KubeObject): CompiledPolicy {
  const spec = policySpecOf(policy);
  const compile = (src: string | undefined, wantBool: boolean) => compileCel(src ?? '', { variables: POLICY_VARIABLES, wantBool });
  const named = (list: NamedExpression[] | undefined, wantBool: boolean) =>
    (list ?? []).map((c) => ({ name: c.name ?? '', program: compile(c.expression, wantBool) }));
  const conditions = named(spec.matchConditions, true);
  const variables = named(spec.variables, false);
  const validations = (spec.validations ?? []).map((v: PolicyValidation) => ({
    spec: v,
    program: compile(v.expression, true),
    message: v.messageExpression ? compile(v.messageExpression, false) : undefined,
  }));
  const audits = (spec.auditAnnotations ?? []).map((x) => ({ key: x.key ?? '', program: compile(x.valueExpression, false) }));
  const ignore = spec.failurePolicy === 'Ignore';

  const messageOf = (v: (typeof validations)[number], vars: Record<string, CelValue>, budget: CostBudget): string => {
    const fallback = v.spec.message || `failed expression: ${v.spec.expression ?? ''}`;
    if (!v.message) return fallback;
    try {
      const m = v.message.eval(vars, budget);
      return typeof m === 'string' && m.trim() && !m.includes('\n') ? m : fallback;
    } catch (e) {
      if (e instanceof CelCostError || e instanceof CelSuspend) throw e;
      return fallback;
    }
  };

  return {
    matches(vars, budget) {
      for (const c of conditions) if (c.program.eval(vars, budget) === false) return false;
      return true;
    },
    audit(vars, budget) {
      const out: { key: string; value: string }[] = [];
      for (const x of audits) {
        const v = x.program.eval(vars, budget);
        if (v === null || v === '') continue;
        if (typeof v !== 'string')
          throw new CelEvalError(`valueExpression '${x.program.source}' resulted in unsupported return type: ${typeName(v)}`);
        // Upstream truncates values to 10 KiB.
        out.push({ key: x.key, value: v.slice(0, MAX_AUDIT_VALUE) });
      }
      return out;
    },
    withVariables(vars, budget) {
      const thunks = new Map<string, () => CelValue>();
      const all = { ...vars, variables: new LazyMap(thunks) };
      for (const v of variables) thunks.set(v.name, () => v.program.eval(all, budget));
      return all;
    },
    validate(vars, budget) {
      const out: Violation[] = [];
      for (const v of validations) {
        let ok: CelValue;
        try {
          ok = v.program.eval(vars, budget);
        } catch (e) {
          if (!(e instanceof CelEvalError)) throw e;
          if (!ignore) out.push({ message: `expression '${v.spec.expression ?? ''}' resulted in error: ${e.message}`, reason: 'Invalid' });
          continue;
        }
        if (ok === false) out.push({ message: messageOf(v, vars, budget), reason: v.spec.reason ?? 'Invalid' });
        else if (ok !== true && !ignore)
          out.push({ message: `expression '${v.spec.expression ?? ''}' did not evaluate to a bool`, reason: 'Invalid' });
      }
      return out;
    },
  };
}

/** A fresh budget for one policy on one request. */
export const policyBudget = (): CostBudget => ({ remaining: PER_CALL_COST_LIMIT * 10 });
