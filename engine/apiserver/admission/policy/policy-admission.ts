// The ValidatingAdmissionPolicy plugin: for each binding whose policy matches the request
// (matchConstraints, the binding's matchResources, matchConditions), the policy's validations
// run in CEL with object, oldObject, request, params, namespaceObject and variables; failures
// Deny (the request is refused), Warn (a Warning header) or Audit (an audit annotation).
// Requests pay one cached list of bindings while none exist.
import type { KindDef, KubeObject } from '../../../kinds/types';
import { apiVersionOf } from '../../../kinds/defs/registry';
import { ApiError, errors } from '../../status';
import type { Admission } from '../../resource-store';
import type { AdmissionRequest } from '../admission-request';
import { isExemptFromWebhooks, rulesMatch } from '../webhook/rules-match';
import { namespaceSelectorMatches, objectSelectorMatches } from '../webhook/selectors-match';
import { requestVariable } from '../webhook/match-conditions';
import { attributesOf, type AdmissionAttributes, type Operation, type Webhook } from '../webhook/types';
import { CelEvalError, CelCostError, fromJson, type CelValue } from '../../../apimachinery/cel/cel';
import { createCelAuthorizer, type AuthorizeFn } from '../cel-authorizer';
import { bindingSpecOf, policySpecOf, type MatchResources } from '../../../kinds/defs/kinds-admission-policy';
import { compilePolicy, policyBudget, type CompiledPolicy, type Violation } from './compiled-policy';

export interface PolicyAdmissionDeps {
  policies(): Promise<KubeObject[]>;
  bindings(): Promise<KubeObject[]>;
  namespace(name: string): Promise<KubeObject | undefined>;
  /** Param objects of a paramKind (namespace undefined: every namespace, or cluster-scoped). */
  params(apiVersion: string, kind: string, namespace: string | undefined): Promise<KubeObject[]>;
  /** The cluster's authorizer, for the `authorizer` variable (without one, every check errors). */
  authorize?: AuthorizeFn;
  log?: (line: string) => void;
}

/** matchConstraints / matchResources as the webhook matchers see them. */
function asWebhook(m: MatchResources | undefined): Webhook {
  return {
    name: '',
    clientConfig: {},
    rules: m?.resourceRules,
    namespaceSelector: m?.namespaceSelector,
    objectSelector: m?.objectSelector,
  };
}

function excluded(m: MatchResources | undefined, a: AdmissionAttributes): boolean {
  const rules = m?.excludeResourceRules ?? [];
  return rules.length > 0 && rulesMatch({ ...asWebhook(m), rules }, a);
}

function namesMatch(m: MatchResources | undefined, a: AdmissionAttributes): boolean {
  const rules = m?.resourceRules ?? [];
  const named = rules.filter((r) => rulesMatch({ ...asWebhook(m), rules: [r] }, a));
  return named.some((r) => !r.resourceNames?.length || r.resourceNames.includes(a.name));
}

export function createPolicyAdmission(deps: PolicyAdmissionDeps): Admission {
  const compiled = new Map<string, { rv: string; policy: CompiledPolicy }>();
  const log = deps.log ?? (() => {});
  const celAuthorizer = createCelAuthorizer(deps.authorize);

  const compiledFor = (p: KubeObject): CompiledPolicy => {
    const key = p.metadata.uid ?? p.metadata.name ?? '';
    const rv = p.metadata.resourceVersion ?? '';
    const hit = compiled.get(key);
    if (hit?.rv === rv) return hit.policy;
    const policy = compilePolicy(p);
    compiled.set(key, { rv, policy });
    return policy;
  };

  /** A binding's matchResources without resourceRules narrows by selectors only, as upstream. */
  async function selects(m: MatchResources | undefined, a: AdmissionAttributes, rulesOptional = false): Promise<boolean> {
    const w = asWebhook(m);
    const byRules = rulesOptional && !m?.resourceRules?.length ? true : rulesMatch(w, a) && namesMatch(m, a);
    if (!byRules || excluded(m, a) || !objectSelectorMatches(w, a)) return false;
    return namespaceSelectorMatches(w, a, async (ns) => (await deps.namespace(ns))?.metadata?.labels ?? undefined);
  }

  async function paramsFor(policy: KubeObject, binding: KubeObject, a: AdmissionAttributes): Promise<KubeObject[] | 'none'> {
    const kind = policySpecOf(policy).paramKind;
    const ref = bindingSpecOf(binding).paramRef;
    if (!kind?.apiVersion || !kind.kind || !ref) return [];
    const all = await deps.params(kind.apiVersion, kind.kind, ref.namespace ?? a.namespace);
    const found = ref.name ? all.filter((o) => o.metadata.name === ref.name) : all;
    const wanted = Object.entries(ref.selector?.matchLabels ?? {});
    const chosen = found.filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k] === v));
    return chosen.length ? chosen : 'none';
  }

  async function run(a: AdmissionAttributes, request?: AdmissionRequest): Promise<void> {
    if (isExemptFromWebhooks(a.def)) return;
    const bindings = await deps.bindings();
    if (!bindings.length) return;
    const policies = new Map((await deps.policies()).map((p) => [p.metadata.name, p]));
    const base: Record<string, CelValue> = {
      object: fromJson(a.object ?? null),
      oldObject: fromJson(a.oldObject ?? null),
      request: fromJson(requestVariable(a)),
      namespaceObject: fromJson((a.namespace && (await deps.namespace(a.namespace))) || null),
    };
    for (const binding of [...bindings].sort((x, y) => ((x.metadata.name ?? '') < (y.metadata.name ?? '') ? -1 : 1))) {
      const bspec = bindingSpecOf(binding);
      const policy = policies.get(bspec.policyName);
      if (!policy || !(await selects(policySpecOf(policy).matchConstraints, a))) continue;
      if (bspec.matchResources && !(await selects(bspec.matchResources, a, true))) continue;
      const params = await paramsFor(policy, binding, a);
      const failClosed = policySpecOf(policy).failurePolicy !== 'Ignore';
      let violations: Violation[] = [];
      if (params === 'none') {
        if (bspec.paramRef?.parameterNotFoundAction !== 'Allow') {
          violations = [{ message: 'no params found for policy binding with `Deny` parameterNotFoundAction', reason: 'Invalid' }];
        }
      } else {
        for (const param of params.length ? params : [undefined]) {
          try {
            const r = await evaluate(compiledFor(policy), { ...base, params: fromJson(param ?? null) }, a);
            violations.push(...r.violations);
            for (const x of r.audits) request?.annotate(`${policy.metadata.name ?? ''}/${x.key}`, x.value);
          } catch (e) {
            if (!(e instanceof CelEvalError)) throw e;
            log(`admission: policy ${policy.metadata.name ?? ''}: ${e.message}`);
            if (failClosed) violations.push({ message: `policy evaluation error: ${e.message}`, reason: 'Invalid' });
          }
        }
      }
      if (violations.length) act(policy, binding, a, violations, request);
    }
  }

  /** Runs a policy; authorizer checks suspend evaluation until the authorizer answers them. */
  function evaluate(policy: CompiledPolicy, vars: Record<string, CelValue>, a: AdmissionAttributes) {
    return celAuthorizer.withAuthorizer(a, (authorizer) => evaluateOnce(policy, { ...vars, authorizer }));
  }

  function evaluateOnce(policy: CompiledPolicy, vars: Record<string, CelValue>) {
    const budget = policyBudget();
    try {
      const all = policy.withVariables(vars, budget);
      if (!policy.matches(all, budget)) return { violations: [], audits: [] };
      return { violations: policy.validate(all, budget), audits: policy.audit(all, budget) };
    } catch (e) {
      if (e instanceof CelCostError) throw new CelEvalError('running out of cost budget');
      throw e;
    }
  }

  function act(policy: KubeObject, binding: KubeObject, a: AdmissionAttributes, violations: Violation[], request?: AdmissionRequest) {
    const actions = bindingSpecOf(binding).validationActions ?? [];
    const who = `ValidatingAdmissionPolicy '${policy.metadata.name ?? ''}' with binding '${binding.metadata.name ?? ''}'`;
    for (const v of violations) {
      if (actions.includes('Warn')) request?.warn(`Validation failed for ${who}: ${v.message}`);
      if (actions.includes('Audit'))
        request?.annotate(
          'validation.policy.admission.k8s.io/validation_failure',
          JSON.stringify([
            { message: v.message, policy: policy.metadata.name, binding: binding.metadata.name, validationActions: actions },
          ]),
        );
    }
    if (!actions.includes('Deny')) return;
    const first = violations[0];
    const message = `${who} denied request: ${first.message}`;
    const what = `${a.def.plural}${a.def.group ? `.${a.def.group}` : ''} "${a.name}"`;
    if (first.reason === 'Forbidden')
      throw errors.forbidden(`${what} is forbidden: ${message}`, { name: a.name, group: a.def.group || undefined, kind: a.def.plural });
    if (first.reason === 'Unauthorized') throw new ApiError(401, 'Unauthorized', message);
    if (first.reason === 'RequestEntityTooLarge') throw new ApiError(413, 'RequestEntityTooLarge', message);
    throw errors.invalid(a.def.plural, a.def.group, a.name, [{ field: '', reason: 'FieldValueInvalid', message }]);
  }

  const attrs = (
    def: KindDef,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    operation: Operation,
    dryRun: boolean,
    request?: AdmissionRequest,
    subresource = '',
  ): AdmissionAttributes => {
    if (obj) {
      obj.apiVersion ??= apiVersionOf(def);
      obj.kind ??= def.kind;
    }
    return attributesOf(def, obj, old, operation, dryRun, request, subresource);
  };

  return {
    admit: () => Promise.resolve(),
    admitValid: (def, obj, old, dryRun, request, subresource) =>
      run(attrs(def, obj, old, old ? 'UPDATE' : 'CREATE', dryRun, request, subresource), request),
    admitDelete: (def, obj, dryRun, request) => run(attrs(def, undefined, obj, 'DELETE', dryRun, request), request),
    // CONNECT (pods/exec, .../proxy): `object` is the options (PodExecOptions, ...), without metadata.
    admitConnect: (def, target, options, subresource, request) => {
      const object = Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'metadata')) as KubeObject;
      return run(attributesOf(def, object, undefined, 'CONNECT', false, request, subresource, target), request);
    },
  };
}
