// A ValidatingAdmissionPolicy compiled once per resourceVersion: its matchConditions, variables
// and validations as CEL programs, and how to run them on one request's variables.
import type { KubeObject } from '../../../kinds/types';
import { POLICY_VARIABLES } from '../../../kinds/kinds-admission-policy';
import {
  compileCel,
  CelCostError,
  CelEvalError,
  LazyMap,
  PER_CALL_COST_LIMIT,
  type CelProgram,
  type CelValue,
  type CostBudget,
} from '../../../apimachinery/cel/cel';

type Obj = Record<string, any>;

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
  const spec: Obj = policy.spec ?? {};
  const compile = (src: string, wantBool: boolean) => compileCel(src, { variables: POLICY_VARIABLES, wantBool });
  const conditions = ((spec.matchConditions ?? []) as Obj[]).map((c) => ({ name: String(c.name), program: compile(c.expression, true) }));
  const variables = ((spec.variables ?? []) as Obj[]).map((v) => ({ name: String(v.name), program: compile(v.expression, false) }));
  const validations = ((spec.validations ?? []) as Obj[]).map((v) => ({
    spec: v,
    program: compile(v.expression, true),
    message: v.messageExpression ? compile(v.messageExpression, false) : undefined,
  }));
  const ignore = spec.failurePolicy === 'Ignore';

  const messageOf = (v: (typeof validations)[number], vars: Record<string, CelValue>, budget: CostBudget): string => {
    const fallback = v.spec.message || `failed expression: ${v.spec.expression}`;
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
          if (!ignore) out.push({ message: `expression '${v.spec.expression}' resulted in error: ${e.message}`, reason: 'Invalid' });
          continue;
        }
        if (ok === false) out.push({ message: messageOf(v, vars, budget), reason: v.spec.reason ?? 'Invalid' });
        else if (ok !== true && !ignore)
          out.push({ message: `expression '${v.spec.expression}' did not evaluate to a bool`, reason: 'Invalid' });
      }
      return out;
    },
  };
}

/** A fresh budget for one policy on one request. */
export const policyBudget = (): CostBudget => ({ remaining: PER_CALL_COST_LIMIT * 10 });
