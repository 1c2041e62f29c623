// Encodes a Swagger 2.0 document (JSON form) as gnostic's `openapi.v2.Document` protobuf,
// the body kubectl 1.27/1.28 decode from /openapi/v2. Field numbers follow gnostic-models'
// openapiv2/OpenAPIv2.proto; only the messages a Kubernetes document uses are written.
// Maps are repeated (name, value) pairs in document order. Vendor extensions (`x-*`) are
// NamedAny whose Any carries the value as YAML text, as gnostic produces them; kubectl
// reads them back with a YAML parser.
import { createRequire } from 'node:module';
import type { Json } from './openapi-schemas';
import { createProtoWriter, type ProtoWriter } from './protobuf-writer';

type W = ProtoWriter;
/** The entries of one of the document's maps, whose values are `T` (schemas, responses, path items, ...). */
const entries = <T = Json>(v: unknown): [string, T][] => (v && typeof v === 'object' ? Object.entries(v as Record<string, T>) : []);
const isExt = (key: string) => key.startsWith('x-');

export function encodeOpenApiV2(doc: Json): Uint8Array {
  // Loaded on the first protobuf request, not with the API server (the library is slow to load);
  // its Node entry is CommonJS, so require gives the module `import` would.
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const w = createProtoWriter(1 << 20);
  const yamlCache = new Map<string, string>();

  // Any { yaml = 2 }; the same small values (GVKs, "merge", "name") repeat thousands of times.
  const yamlOf = (value: unknown): string => {
    const key = JSON.stringify(value);
    let text = yamlCache.get(key);
    if (text === undefined) yamlCache.set(key, (text = stringify(value)));
    return text;
  };
  const any = (field: number, value: unknown) => w.message(field, () => w.string(2, yamlOf(value)));

  // NamedAny { name = 1; Any value = 2 } for every x- key of an object.
  const extensions = (field: number, obj: Json) => {
    for (const [k, v] of Object.entries(obj)) {
      if (isExt(k)) w.message(field, () => (w.string(1, k), any(2, v)));
    }
  };
  // A map as repeated Named<T> { name = 1; T value = 2 }.
  const named = <T>(field: number, map: unknown, value: (v: T) => void) => {
    for (const [k, v] of entries<T>(map)) w.message(field, () => (w.string(1, k), w.message(2, () => value(v))));
  };

  function schema(s: Json) {
    w.string(1, s.$ref as string);
    w.string(2, s.format as string);
    w.string(3, s.title as string);
    w.string(4, s.description as string);
    if ('default' in s) any(5, s.default);
    w.double(6, s.multipleOf as number);
    w.double(7, s.maximum as number);
    w.bool(8, s.exclusiveMaximum as boolean);
    w.double(9, s.minimum as number);
    w.bool(10, s.exclusiveMinimum as boolean);
    w.int64(11, s.maxLength as number);
    w.int64(12, s.minLength as number);
    w.string(13, s.pattern as string);
    w.int64(14, s.maxItems as number);
    w.int64(15, s.minItems as number);
    w.bool(16, s.uniqueItems as boolean);
    w.int64(17, s.maxProperties as number);
    w.int64(18, s.minProperties as number);
    w.strings(19, s.required as string[]);
    for (const e of (s.enum as unknown[]) ?? []) any(20, e);
    if (s.additionalProperties !== undefined) {
      // AdditionalPropertiesItem: oneof { Schema schema = 1; bool boolean = 2 }
      const ap = s.additionalProperties;
      w.message(21, () => (typeof ap === 'boolean' ? w.bool(2, ap, true) : w.message(1, () => schema(ap as Json))));
    }
    if (s.type !== undefined) w.message(22, () => w.strings(1, Array.isArray(s.type) ? s.type : [s.type as string])); // TypeItem
    if (s.items !== undefined) {
      const items = Array.isArray(s.items) ? s.items : [s.items];
      w.message(23, () => items.forEach((i: Json) => w.message(1, () => schema(i)))); // ItemsItem
    }
    for (const a of (s.allOf as Json[]) ?? []) w.message(24, () => schema(a));
    if (s.properties !== undefined) w.message(25, () => named(1, s.properties, schema)); // Properties
    w.string(26, s.discriminator as string);
    w.bool(27, s.readOnly as boolean);
    if ('example' in s) any(30, s.example);
    extensions(31, s);
  }

  // Query, path and header parameters share these fields, at numbers that differ per message.
  function nonBody(p: Json) {
    const q = p.in === 'query';
    const path = p.in === 'path';
    // NonBodyParameter: oneof { header = 1; form_data = 2; query = 3; path = 4 }
    const which = q ? 3 : path ? 4 : p.in === 'formData' ? 2 : 1;
    w.message(which, () => {
      w.bool(1, p.required as boolean);
      w.string(2, p.in as string);
      w.string(3, p.description as string);
      w.string(4, p.name as string);
      // Query and formData have allow_empty_value at 5, shifting the rest by one.
      const o = which === 2 || which === 3 ? 1 : 0;
      if (o) w.bool(5, p.allowEmptyValue as boolean);
      w.string(5 + o, p.type as string);
      w.string(6 + o, p.format as string);
      w.string(8 + o, p.collectionFormat as string);
      if ('default' in p) any(9 + o, p.default);
      w.double(10 + o, p.maximum as number);
      w.double(12 + o, p.minimum as number);
      w.int64(14 + o, p.maxLength as number);
      w.int64(15 + o, p.minLength as number);
      w.string(16 + o, p.pattern as string);
      w.bool(19 + o, p.uniqueItems as boolean);
      for (const e of (p.enum as unknown[]) ?? []) any(20 + o, e);
      extensions(22 + o, p);
    });
  }

  // ParametersItem: oneof { Parameter parameter = 1; JsonReference json_reference = 2 }
  function parametersItem(p: Json) {
    if (typeof p.$ref === 'string') return w.message(2, () => w.string(1, p.$ref as string));
    w.message(1, () => {
      // Parameter: oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2 }
      if (p.in === 'body') {
        w.message(1, () => {
          w.string(1, p.description as string);
          w.string(2, p.name as string);
          w.string(3, p.in as string);
          w.bool(4, p.required as boolean);
          if (p.schema) w.message(5, () => schema(p.schema as Json));
          extensions(6, p);
        });
      } else {
        w.message(2, () => nonBody(p));
      }
    });
  }

  function response(r: Json) {
    w.string(1, r.description as string);
    if (r.schema) w.message(2, () => w.message(1, () => schema(r.schema as Json))); // SchemaItem.schema
    extensions(5, r);
  }

  function operation(op: Json) {
    w.strings(1, op.tags as string[]);
    w.string(2, op.summary as string);
    w.string(3, op.description as string);
    w.string(5, op.operationId as string);
    w.strings(6, op.produces as string[]);
    w.strings(7, op.consumes as string[]);
    for (const p of (op.parameters as Json[]) ?? []) w.message(8, () => parametersItem(p));
    if (op.responses) {
      // Responses { repeated NamedResponseValue response_code = 1 }; ResponseValue.response = 1
      w.message(9, () => {
        for (const [code, r] of entries(op.responses)) {
          w.message(1, () => (w.string(1, code), w.message(2, () => w.message(1, () => response(r)))));
        }
        extensions(2, op.responses as Json);
      });
    }
    w.strings(10, op.schemes as string[]);
    w.bool(11, op.deprecated as boolean);
    extensions(13, op);
  }

  const METHOD_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

  function pathItem(item: Json) {
    w.string(1, item.$ref as string);
    for (const [method, field] of Object.entries(METHOD_FIELDS)) {
      if (item[method]) w.message(field, () => operation(item[method] as Json));
    }
    for (const p of (item.parameters as Json[]) ?? []) w.message(9, () => parametersItem(p));
    extensions(10, item);
  }

  function securityDefinition(d: Json) {
    // SecurityDefinitionsItem: oneof { basic = 1; api_key = 2; ... } — Kubernetes uses api keys.
    if (d.type === 'basic') {
      return w.message(1, () => (w.string(1, d.type as string), w.string(2, d.description as string), extensions(3, d)));
    }
    w.message(2, () => {
      w.string(1, d.type as string);
      w.string(2, d.name as string);
      w.string(3, d.in as string);
      w.string(4, d.description as string);
      extensions(5, d);
    });
  }

  // Document
  w.string(1, doc.swagger as string);
  if (doc.info) {
    const info = doc.info as Json;
    w.message(
      2,
      () => (
        w.string(1, info.title as string),
        w.string(2, info.version as string),
        w.string(3, info.description as string),
        extensions(7, info)
      ),
    );
  }
  w.string(3, doc.host as string);
  w.string(4, doc.basePath as string);
  w.strings(5, doc.schemes as string[]);
  w.strings(6, doc.consumes as string[]);
  w.strings(7, doc.produces as string[]);
  if (doc.paths) {
    // Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2 }
    w.message(8, () => {
      extensions(1, doc.paths as Json);
      named(2, Object.fromEntries(entries(doc.paths).filter(([k]) => !isExt(k))), pathItem);
    });
  }
  if (doc.definitions) w.message(9, () => named(1, doc.definitions, schema));
  for (const req of (doc.security as Json[]) ?? []) {
    // SecurityRequirement { repeated NamedStringArray additional_properties = 1 }; StringArray { value = 1 }
    w.message(12, () => named(1, req, (scopes: string[]) => w.strings(1, scopes)));
  }
  if (doc.securityDefinitions) w.message(13, () => named(1, doc.securityDefinitions, securityDefinition));
  extensions(16, doc);
  return w.finish();
}
