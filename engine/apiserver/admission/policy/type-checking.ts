// ValidatingAdmissionPolicy type checking (upstream's TypeChecker, run by its status
// controller): each validation's expression and messageExpression is compiled once more with
// `object` and `oldObject` typed by the schema of every kind the policy's matchConstraints name,
// and what only that typing finds — a field the schema does not declare — becomes an
// ExpressionWarning in status.typeChecking. Wildcard rules name no kind and are not checked.
// The policy is still admitted and runs; the warning tells its author before a request does.
import type { KindDef, KubeObject } from '../../../kinds/types';
import type { SchemaNode } from '../../../kinds/schema/schema-types';
import { compileCel, CelCompileError } from '../../../apimachinery/cel/cel';
import type { CelSchema } from '../../../apimachinery/cel/values';
import { POLICY_VARIABLES, policySpecOf } from '../../../kinds/defs/kinds-admission-policy';

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

export interface TypeCheckDeps {
  byResource(group: string, version: string, plural: string): KindDef | undefined;
  schemaOf(model: string): SchemaNode | undefined;
}

/** A kind's schema as the CEL checker reads it; objects' properties resolve on access (schemas recurse). */
export function celSchemaOf(n: SchemaNode): CelSchema {
  switch (n.type) {
    case 'object': {
      const properties: Record<string, CelSchema> = {};
      for (const [k, f] of Object.entries(n.fields))
        Object.defineProperty(properties, k, { enumerable: true, get: () => celSchemaOf(f.node()) });
      return { type: 'object', properties };
    }
    case 'map':
      return { type: 'object', additionalProperties: celSchemaOf(n.values) };
    case 'array':
      return { type: 'array', items: celSchemaOf(n.items) };
    case 'any':
      return { 'x-kubernetes-preserve-unknown-fields': true };
    case 'string':
    case 'date-time':
      return { type: 'string' };
    case 'integer':
    case 'number':
    case 'boolean':
      return { type: n.type };
    default:
      return {};
  }
}

function kindsMatched(policy: KubeObject, deps: TypeCheckDeps): KindDef[] {
  const out: KindDef[] = [];
  for (const r of policySpecOf(policy).matchConstraints?.resourceRules ?? []) {
    for (const g of r.apiGroups ?? [])
      for (const v of r.apiVersions ?? [])
        for (const res of r.resources ?? []) {
          if ([g, v, res].some((x) => x.includes('*')) || res.includes('/')) continue;
          const def = deps.byResource(g, v, res);
          if (def && !out.includes(def)) out.push(def);
        }
  }
  return out;
}

function schemaFor(def: KindDef, deps: TypeCheckDeps): CelSchema | undefined {
  if (def.customSchema) return def.customSchema;
  const node = deps.schemaOf(def.model);
  return node ? celSchemaOf(node) : undefined;
}

/** cel-go's issue text: the message, then the source line and a caret under the column. */
function withSource(message: string, src: string): string {
  const m = /^ERROR: <input>:(\d+):(\d+): /.exec(message);
  if (!m) return message;
  const line = src.split('\n')[Number(m[1]) - 1] ?? '';
  return `${message}\n | ${line}\n | ${'.'.repeat(Number(m[2]) - 1)}^`;
}

/** The policy's expression warnings (empty when every expression fits every matched kind). */
export function typeCheckPolicy(policy: KubeObject, deps: TypeCheckDeps): ExpressionWarning[] {
  const typed = kindsMatched(policy, deps)
    .map((def) => ({ def, schema: schemaFor(def, deps) }))
    .filter((t): t is { def: KindDef; schema: CelSchema } => !!t.schema);
  const warnings: ExpressionWarning[] = [];
  const check = (fieldRef: string, expr: string | undefined, wantBool: boolean) => {
    if (!expr) return;
    const issues: string[] = [];
    for (const { def, schema } of typed) {
      try {
        compileCel(expr, { variables: POLICY_VARIABLES, schemas: { object: schema, oldObject: schema }, wantBool });
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        issues.push(`${def.group}/${def.version}, Kind=${def.kind}: ${withSource(e.message, expr)}`);
      }
    }
    if (issues.length) warnings.push({ fieldRef, warning: issues.join('\n') });
  };
  (policySpecOf(policy).validations ?? []).forEach((v, i) => {
    check(`spec.validations[${i}].expression`, v.expression, true);
    check(`spec.validations[${i}].messageExpression`, v.messageExpression, false);
  });
  return warnings;
}
