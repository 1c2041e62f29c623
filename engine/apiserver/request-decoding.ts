// Request decoding shared by every resource and subresource handler: the object in a body
// (with its type meta and schema checked), a patch, DeleteOptions, a plain JSON/YAML object,
// and the list filter from labelSelector/fieldSelector.
import type { IncomingMessage } from 'node:http';
import type { KindDef, KubeObject } from '../kinds/types';
import type { HandlerDeps } from './handler-deps';
import { errors, ApiError } from './status';
import { readBody, decodeBody, mediaType } from './body';
import { enforceSchema, parseFieldValidation } from './field-validation';
import { boolParam, intParam, isDryRun } from './request-options';
import { apiVersionOf } from './object-meta';
import type { DeleteOptions, ObjectFilter } from './resource-store';

/**
 * A JSON or YAML body that must be an object (subresources, reviews): read as the object it
 * stands for, whose kind's validation checks its fields.
 */
export async function readJson(req: IncomingMessage): Promise<KubeObject> {
  const type = mediaType(req);
  if (type !== 'application/json' && type !== 'application/yaml') throw errors.unsupportedMediaType(type);
  const body = decodeBody(await readBody(req), type);
  if (!body || typeof body !== 'object') throw errors.badRequest('the request body must be an object');
  return body as KubeObject;
}

export async function readObject(deps: HandlerDeps, def: KindDef, req: IncomingMessage, q: URLSearchParams) {
  const type = mediaType(req);
  if (type !== 'application/json' && type !== 'application/yaml') throw errors.unsupportedMediaType(type);
  const decoded = decodeBody(await readBody(req), type);
  if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw errors.badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${Array.isArray(decoded) ? 'array' : typeof decoded} into Go value of type struct`,
    );
  }
  const body = decoded as Record<string, unknown>;
  checkTypeMeta(def, body);
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || body.metadata === null || Array.isArray(body.metadata))) {
    throw errors.badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${typeof body.metadata} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`,
    );
  }
  body.metadata ??= {};
  const obj = body as KubeObject;
  const warnings = enforceSchema(deps.checker, def, obj, parseFieldValidation(q.get('fieldValidation')));
  return { obj, warnings };
}

export function checkTypeMeta(def: KindDef, body: { apiVersion?: string; kind?: string }) {
  const want = apiVersionOf(def);
  if (body.apiVersion !== undefined && body.apiVersion !== want) {
    throw errors.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`);
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${def.kind})`);
  }
}

export async function readPatch(req: IncomingMessage, def?: KindDef): Promise<{ type: string; body: unknown }> {
  const type = mediaType(req);
  // Custom resources have no strategic-merge metadata; upstream refuses that patch type for them.
  if (def?.customResource && type === 'application/strategic-merge-patch+json') {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  }
  const known = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
  if (!known.includes(type)) throw errors.unsupportedMediaType(type);
  return { type, body: decodeBody(await readBody(req), 'application/json', 'the patch') };
}

export async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const buf = await readBody(req);
  const body = buf.length && buf.toString('utf8').trim() ? decodeBody(buf, 'application/json', 'DeleteOptions') : {};
  return parseDeleteOptions(body, q);
}

/** DeleteOptions as the API defines them on the wire. */
interface DeleteOptionsBody {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  dryRun?: string[];
  preconditions?: DeleteOptions['preconditions'];
}

const PROPAGATION_POLICIES = ['Orphan', 'Background', 'Foreground'] as const;
const isPolicy = (v: string): v is NonNullable<DeleteOptions['propagationPolicy']> => PROPAGATION_POLICIES.some((p) => p === v);

export function parseDeleteOptions(input: unknown, q: URLSearchParams): DeleteOptions {
  if (!input || typeof input !== 'object') throw errors.badRequest('DeleteOptions must be an object');
  const body = input as DeleteOptionsBody;
  const policy = body.propagationPolicy ?? q.get('propagationPolicy') ?? undefined;
  if (policy !== undefined && !isPolicy(policy)) {
    throw errors.badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const orphan = body.orphanDependents ?? boolParam(q, 'orphanDependents');
  const grace = body.gracePeriodSeconds ?? intParam(q, 'gracePeriodSeconds');
  const dryRun = Array.isArray(body.dryRun) ? body.dryRun.includes('All') : isDryRun(q);
  return {
    propagationPolicy: policy ?? (orphan === true ? 'Orphan' : undefined),
    gracePeriodSeconds: grace,
    preconditions: body.preconditions,
    dryRun,
  };
}

export function buildFilter(deps: HandlerDeps, def: KindDef, q: URLSearchParams): ObjectFilter | undefined {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const labels = ls ? deps.labelMatcher(ls) : undefined;
  const fields = fs ? deps.fieldMatcher(def, fs) : undefined;
  if (!labels && !fields) return undefined;
  return (obj) => (!labels || labels(obj.metadata.labels)) && (!fields || fields(obj));
}
