// CEL for Skiff: compile once (parse, check), evaluate many times under a cost budget. Used by
// CustomResourceDefinition x-kubernetes-validations and ValidatingAdmissionPolicy.
import { parse } from './parser';
import { check, type CheckOptions } from './checker';
import { evaluate, type CostBudget } from './evaluator';
import { CelCompileError, CelEvalError, CelSuspend } from './errors';
import type { CelValue } from './values';
import type { Expr } from './ast';

export { CelCompileError, CelEvalError, CelCostError, CelSuspend } from './errors';
export { LazyMap, type CostBudget } from './evaluator';
export { CelMap, CelOptional, fromJson, toJson, typeName, type CelValue } from './values';
export { Authorizer, AUTHZ_CHECK_COST, type AuthzAnswer, type AuthzCheck, type AuthzOracle } from './lib-authz';
export { estimateCost, costErrorMessage, maxElements, type SizedSchema } from './cost-estimate';

/** Upstream's per-expression runtime cost limit (PerCallLimit). */
export const PER_CALL_COST_LIMIT = 1_000_000;
/** Upstream's budget for all CRD rules of one object (RuntimeCELCostBudget). */
export const PER_OBJECT_COST_BUDGET = 10_000_000;
/** Upstream's limit on one CRD rule's estimated cost times the number of places it applies. */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
/** Upstream's limit on the estimated cost of all rules of one CRD schema. */
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;

export interface CelProgram {
  source: string;
  /** The checked tree (for the static cost estimate). */
  ast: Expr;
  /** Variables the expression names (e.g. whether a CRD rule is a transition rule using oldSelf). */
  references: Set<string>;
  /** Evaluates with these variables; charges `budget` (a fresh per-call budget when absent). */
  eval(vars: Record<string, CelValue>, budget?: CostBudget): CelValue;
}

export function compileCel(source: string, opts: CheckOptions): CelProgram {
  const ast = parse(source);
  const references = check(source, ast, opts);
  return {
    source,
    ast,
    references,
    eval(vars, budget) {
      // One expression may spend at most the per-call limit, and never more than the shared budget.
      const own: CostBudget = { remaining: Math.min(PER_CALL_COST_LIMIT, budget?.remaining ?? PER_CALL_COST_LIMIT) };
      const before = own.remaining;
      try {
        return evaluate(ast, vars, own);
      } catch (e) {
        if (e instanceof CelEvalError || e instanceof CelCompileError || e instanceof CelSuspend) throw e;
        // A RangeError (stack) or anything unexpected is still just this expression failing.
        throw new CelEvalError(`internal error: ${(e as Error).message}`);
      } finally {
        if (budget) budget.remaining -= before - own.remaining;
      }
    },
  };
}
