// A ValidatingAdmissionPolicy compiled once per resourceVersion: its matchConditions, variables
// and validations as CEL programs, and how to run them on one request's variables.
import type { KubeObject } from '../../../kinds/types';
import { POLICY_VARIABLES, policySpecOf, type NamedExpression, type PolicyValidation } from '../../../kinds/kinds-admission-policy';
import {
  compileCel,
  CelCostError,
  CelEvalError,
  LazyMap,
  PER_CALL_COST_LIMIT,
  type CelValue,
  type CostBudget,
} from '../../../apimachinery/cel/cel';

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
  const ignore = spec.failurePolicy === 'Ignore';

  const messageOf = (v: (typeof validations)[number], vars: Record<string, CelValue>, budget: CostBudget): string => {
    const fallback = v.spec.message || `failed expression: ${v.spec.expression ?? ''}`;
    if (!v.message) return fallback;
    try {
      const m = v.message.eval(vars, budget);
      return typeof m === 'string' && m.trim() && !m.includes('\n') ? m : fallback;
    } catch (e) {
      if (e instanceof CelCostError) throw e;
      return fallback;
    }
  };

  return {
    matches(vars, budget) {
      for (const c of conditions) if (c.program.eval(vars, budget) === false) return false;
      return true;
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
