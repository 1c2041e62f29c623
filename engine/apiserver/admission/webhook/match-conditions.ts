// Webhook matchConditions: CEL expressions over the request (object, oldObject, request) that
// must all hold for the webhook to be called. Compiled once per configuration version (the
// conditions list is the cache key); the request variables are shared with admission policies,
// and so is `authorizer` (cel-authorizer.ts), as upstream offers it to matchConditions.
import { compileCel, fromJson, type CelProgram, type CelValue } from '../../../apimachinery/cel/cel';
import { POLICY_VARIABLES } from '../../../kinds/defs/kinds-admission-policy';
import { kindOf, type AdmissionAttributes, type Webhook } from './types';

const compiled = new WeakMap<object, { name: string; program: CelProgram }[]>();

/** The `request` variable as kube-apiserver builds it for CEL. */
export function requestVariable(a: AdmissionAttributes): Record<string, unknown> {
  return {
    kind: kindOf(a),
    resource: { group: a.def.group, version: a.def.version, resource: a.def.plural },
    subResource: a.subresource,
    name: a.name,
    namespace: a.namespace ?? '',
    operation: a.operation,
    userInfo: a.user ? { username: a.user.user, groups: a.user.groups } : {},
    dryRun: a.dryRun,
  };
}

/** Whether every condition holds; throws CelCompileError/CelEvalError naming the condition. */
export function matchConditionsHold(w: Webhook, a: AdmissionAttributes, authorizer?: CelValue): boolean {
  const conds = (Array.isArray(w.matchConditions) ? w.matchConditions : []) as { name?: string; expression?: string }[];
  if (!conds.length) return true;
  let programs = compiled.get(conds);
  if (!programs) {
    programs = conds.map((c) => ({
      name: c.name ?? '',
      program: compileCel(c.expression ?? '', { variables: POLICY_VARIABLES, wantBool: true }),
    }));
    compiled.set(conds, programs);
  }
  const vars: Record<string, CelValue> = {
    object: fromJson(a.object ?? null),
    oldObject: fromJson(a.oldObject ?? null),
    request: fromJson(requestVariable(a)),
    ...(authorizer ? { authorizer } : {}),
  };
  for (const c of programs) {
    try {
      if (c.program.eval(vars) === false) return false;
    } catch (e) {
      (e as Error).message = `matchCondition ${JSON.stringify(c.name)}: ${(e as Error).message}`;
      throw e;
    }
  }
  return true;
}
