// Turns the OpenAPI v3 shapes of openapi-paths.ts / openapi-schemas.ts into Swagger 2.0 ones,
// so /openapi/v2 says exactly what /openapi/v3 says. The differences that matter to kubectl
// 1.27/1.28 (kube-openapi's proto model): references point into #/definitions and carry
// their description beside $ref (no allOf wrapper), no oneOf (IntOrString and Quantity are
// strings), query and path parameters carry their type inline, a request body is a `body`
// parameter, and media types move from `content` maps to consumes/produces lists.
import type { Json } from './openapi-schemas';
import { REF_PREFIX } from './openapi-schemas';

export const V2_REF_PREFIX = '#/definitions/';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A v3 schema (component or inline) in v2 form. */
export function schemaToV2(schema: Json): Json {
  const out: Json = {};
  let ref: string | undefined;
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case '$ref':
        ref = String(value).replace(REF_PREFIX, V2_REF_PREFIX);
        break;
      case 'allOf': {
        const parts = value as Json[];
        // `allOf: [{$ref}]` is v3's way to give a reference siblings; v2 allows them directly.
        if (parts.length === 1 && typeof parts[0].$ref === 'string') ref = String(parts[0].$ref).replace(REF_PREFIX, V2_REF_PREFIX);
        else out.allOf = parts.map(schemaToV2);
        break;
      }
      case 'oneOf':
        // Only IntOrString and Quantity use oneOf here, and both accept a string on the wire;
        // kube-apiserver's v2 documents publish them as strings too.
        if (!('type' in schema)) out.type = 'string';
        break;
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, schemaToV2(v)]));
        break;
      case 'items':
        out.items = schemaToV2(value as Json);
        break;
      case 'additionalProperties':
        out.additionalProperties = isObject(value) ? schemaToV2(value) : value;
        break;
      case 'nullable':
      case 'anyOf':
      case 'not':
        break; // no v2 equivalent
      default:
        out[key] = value;
    }
  }
  return ref === undefined ? out : { ...out, $ref: ref };
}

/** A v3 query/path/header parameter (type under `schema`) in v2 form (type inline). */
export function parameterToV2(param: Json): Json {
  const { schema, ...rest } = param;
  return { ...(isObject(schema) ? schema : {}), ...rest };
}

const MEDIA_TYPES_OUT = ['application/json', 'application/yaml'];

/** A v3 operation in v2 form: body parameter, consumes/produces, response schemas. */
export function operationToV2(op: Json): Json {
  const { requestBody, parameters, responses, ...rest } = op;
  const out: Json = {};
  const params = ((parameters as Json[] | undefined) ?? []).map(parameterToV2);
  if (isObject(requestBody)) {
    const content = (requestBody.content ?? {}) as Record<string, Json>;
    const types = Object.keys(content);
    out.consumes = types;
    const schema = types.length ? (content[types[0]].schema as Json) : { type: 'object' };
    params.unshift({ name: 'body', in: 'body', required: requestBody.required === true, schema: schemaToV2(schema) });
  }
  const produces = new Set<string>();
  const v2Responses: Record<string, Json> = {};
  for (const [code, resp] of Object.entries((responses ?? {}) as Record<string, Json>)) {
    const content = resp.content as Record<string, Json> | undefined;
    const r: Json = { description: resp.description ?? '' };
    if (content) {
      const types = Object.keys(content);
      types.forEach((t) => produces.add(t));
      if (types.length) r.schema = schemaToV2(content[types[0]].schema as Json);
    }
    v2Responses[code] = r;
  }
  out.produces = produces.size ? [...produces] : MEDIA_TYPES_OUT;
  out.schemes = ['https'];
  return { ...out, ...rest, parameters: params, responses: v2Responses };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

/** A v3 path item in v2 form. */
export function pathItemToV2(item: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(item)) {
    if (METHODS.includes(key)) out[key] = operationToV2(value as Json);
    else if (key === 'parameters') out.parameters = (value as Json[]).map(parameterToV2);
    else out[key] = value;
  }
  return out;
}
