// What kube-apiserver's decoder would say about a JSON object: fields the kind does not have
// (strict decoding: `unknown field "spec.template.spec.containers[0].imagee"`) and values of
// the wrong JSON type, worded as Go's encoding/json words them
// (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`).
import type { SchemaNode } from './schema-types';
import type { ModelField, SchemaRegistry } from './schema';
import { base64Error, quantityError, rfc3339Error } from './schema-scalar-checks';

export interface DecodeTypeError {
  /** Where the bad value is, e.g. `spec.replicas` or `spec.template.spec.containers[0].ports[1].containerPort`. */
  path: string;
  message: string;
}

export interface DecodeReport {
  unknownFields: string[];
  typeErrors: DecodeTypeError[];
}

// Always accepted at the top of an object, even if a model lacked them.
const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'status']);
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Go's name of a model's struct (`V1PodSpec` → `PodSpec`) and its package (`v1`). */
export function goStructName(model: string): string {
  return model.replace(/^(?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '');
}
function goPackage(model: string): string {
  const m = /^(?:[A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)(?=[A-Z])/.exec(model);
  return m ? m[1].toLowerCase() : 'v1';
}

/** The Go type a node decodes into, as `%v` of reflect.Type prints it. */
export function goTypeName(node: SchemaNode, format: string): string {
  switch (node.type) {
    case 'object':
      return `${goPackage(node.model)}.${goStructName(node.model)}`;
    case 'array':
      return `[]${goTypeName(node.items, format)}`;
    case 'map':
      return node.values.type === 'quantity' ? 'v1.ResourceList' : `map[string]${goTypeName(node.values, format)}`;
    case 'string':
      return format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'date-time':
      return format === 'date-time-micro' ? 'v1.MicroTime' : 'v1.Time';
    case 'any':
      return 'interface {}';
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string | number | object
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where Go's decoder is: the innermost struct and the JSON field names from the root. */
interface GoContext {
  struct: string;
  fields: string;
}

/** The walk's fixed inputs: the schemas and the report it fills. */
interface Walk {
  reg: SchemaRegistry;
  report: DecodeReport;
}

// Module-level (not closures made per call): every create and update is checked.
export function checkObject(reg: SchemaRegistry, model: string, obj: unknown): DecodeReport {
  const report: DecodeReport = { unknownFields: [], typeErrors: [] };
  check({ reg, report }, reg.node(model), obj, '', undefined, '', true);
  return report;
}

function typeError(w: Walk, path: string, ctx: GoContext | undefined, value: string, goType: string): void {
  const into = ctx ? `Go struct field ${ctx.struct}.${ctx.fields}` : 'Go value';
  w.report.typeErrors.push({ path, message: `json: cannot unmarshal ${value} into ${into} of type ${goType}` });
}

function integer(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

// Go struct names by model: the same few models are met on every request.
const structNames = new Map<string, string>();
function structNameOf(model: string): string {
  let name = structNames.get(model);
  if (name === undefined) structNames.set(model, (name = goStructName(model)));
  return name;
}

function check(w: Walk, node: SchemaNode, value: unknown, path: string, ctx: GoContext | undefined, format: string, top = false): void {
  if (value === null || value === undefined) return; // null leaves Go's zero value
  switch (node.type) {
    case 'object': {
      if (!isPlainObject(value)) return typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      const fields = w.reg.fields(node.model);
      const struct = structNameOf(node.model);
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const v = value[key];
        const sub = path ? `${path}.${key}` : key;
        const f: ModelField | undefined = Object.hasOwn(fields, key) ? fields[key] : undefined;
        if (!f) {
          if (top && TOP_LEVEL.has(key)) {
            if (key === 'metadata' && w.reg.has('V1ObjectMeta')) check(w, w.reg.node('V1ObjectMeta'), v, sub, { struct, fields: key }, '');
            continue;
          }
          w.report.unknownFields.push(sub);
          continue;
        }
        check(w, f.node(), v, sub, { struct, fields: ctx ? `${ctx.fields}.${key}` : key }, f.format);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        // Go decodes a null list item as the element's zero value; so does this (in place),
        // so later steps never meet a null where the schema promises an object.
        if (item === null) {
          const zero = zeroValue(node.items);
          if (zero !== undefined) value[i] = zero;
          continue;
        }
        check(w, node.items, item, `${path}[${i}]`, ctx, format);
      }
      return;
    case 'map':
      if (!isPlainObject(value)) return typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      for (const k in value) if (Object.hasOwn(value, k)) check(w, node.values, value[k], `${path}.${k}`, ctx, format);
      return;
    case 'string': {
      if (typeof value !== 'string') return typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      const err = format === 'byte' ? base64Error(value) : undefined;
      if (err) w.report.typeErrors.push({ path, message: err });
      return;
    }
    case 'integer': {
      if (typeof value !== 'number') return typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      const ok =
        format === 'int64' ? integer(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : integer(value, INT32_MIN, INT32_MAX);
      if (!ok) typeError(w, path, ctx, `number ${value}`, goTypeName(node, format));
      return;
    }
    case 'number':
      if (typeof value !== 'number') typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(w, path, ctx, jsonKind(value), goTypeName(node, format));
      return;
    case 'int-or-string':
      // IntOrString.UnmarshalJSON decodes anything but a string into an int32.
      if (typeof value === 'string') return;
      if (typeof value !== 'number') return typeError(w, path, ctx, jsonKind(value), 'int32');
      if (!integer(value, INT32_MIN, INT32_MAX)) typeError(w, path, ctx, `number ${value}`, 'int32');
      return;
    case 'quantity': {
      // Quantity.UnmarshalJSON parses the raw JSON text, quoted or not.
      const raw = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
      const err = quantityError(raw);
      if (err) w.report.typeErrors.push({ path, message: err });
      return;
    }
    case 'date-time': {
      // metav1.Time decodes a JSON string, then parses it as RFC 3339.
      if (typeof value !== 'string') return typeError(w, path, ctx, jsonKind(value), 'string');
      const err = rfc3339Error(value);
      if (err) w.report.typeErrors.push({ path, message: err });
      return;
    }
    case 'any':
      return;
  }
}

function zeroValue(node: SchemaNode): unknown {
  switch (node.type) {
    case 'object':
    case 'map':
      return {};
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}
