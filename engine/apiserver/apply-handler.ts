// PATCH with application/apply-patch+yaml: server-side apply on a resource or its status, creating
// the object when it does not exist, with upstream's checks and wording for bad requests.
import type { IncomingMessage } from 'node:http';
import type { KindDef, KubeObject } from '../kinds/types';
import type { HandlerDeps } from './handler-deps';
import { ApiError, errors } from './status';
import { decodeBody, readBody } from './body';
import { enforceSchema, parseFieldValidation } from './field-validation';
import { boolParam, isDryRun } from './request-options';
import { apiVersionOf } from './object-meta';
import { managerFromUserAgent } from './field-manager';
import { isObject } from './patch/json-value';
import type { AdmissionRequest } from './admission/admission-request';

export const APPLY_PATCH_TYPES = ['application/apply-patch+yaml', 'application/apply-patch+json'];

const MAX_MANAGER_LENGTH = 128;

/** The manager a write is recorded under, checked as upstream's ValidateFieldManager does. */
export function fieldManagerOf(req: IncomingMessage, q: URLSearchParams, options: string, apply = false): string | undefined {
  const given = q.get('fieldManager') ?? '';
  const problems: string[] = [];
  if (apply && !given) problems.push('fieldManager: Required value: is required for apply patch');
  if (given.length > MAX_MANAGER_LENGTH) problems.push(`fieldManager: Too long: may not be more than ${MAX_MANAGER_LENGTH} bytes`);
  const bad = [...given].findIndex((c) => /[\p{C}]/u.test(c));
  if (bad >= 0) problems.push(`fieldManager: Invalid value: ${JSON.stringify(given)}: invalid character at position ${bad}`);
  if (!apply && q.get('force') !== null) problems.push('force: Forbidden: may not be specified for non-apply patch');
  if (problems.length) {
    const summary = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
    throw new ApiError(422, 'Invalid', `${options}.meta.k8s.io "" is invalid: ${summary}`, {
      group: 'meta.k8s.io',
      kind: options,
      causes: [],
    });
  }
  return given || managerFromUserAgent(req.headers['user-agent']);
}

/** Reads and checks an apply body: a YAML/JSON object of this kind, without managedFields. */
async function readApplied(deps: HandlerDeps, def: KindDef, req: IncomingMessage, q: URLSearchParams) {
  const decoded: unknown = decodeBody(await readBody(req), 'application/apply-patch+yaml', 'the apply patch');
  if (!isObject(decoded)) {
    const what = Array.isArray(decoded) ? 'array' : decoded === null ? 'null' : typeof decoded;
    throw errors.badRequest(`error decoding YAML: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  const want = apiVersionOf(def);
  if (decoded.apiVersion !== want) {
    throw errors.badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${text(decoded.apiVersion)}, expected: ${want}`,
    );
  }
  if (decoded.kind !== def.kind) {
    throw errors.badRequest(`the kind in the apply patch (${text(decoded.kind)}) does not match the expected kind (${def.kind})`);
  }
  if (decoded.metadata !== undefined && !isObject(decoded.metadata)) {
    throw errors.badRequest('error decoding YAML: metadata must be an object');
  }
  const metadata = (decoded.metadata ??= {}) as Record<string, unknown>;
  if (metadata.managedFields !== undefined && metadata.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  delete metadata.managedFields;
  const config = decoded as unknown as KubeObject;
  const warnings = enforceSchema(deps.checker, def, config, parseFieldValidation(q.get('fieldValidation')));
  return { config, warnings };
}

/** A scalar from the body for a message ('' when absent). */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Server-side apply; `subresource` is 'status' for /status. */
export async function handleApply(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
  subresource?: 'status',
  request?: AdmissionRequest,
): Promise<{ status: number; body: unknown; warnings?: string[] }> {
  const manager = fieldManagerOf(req, q, 'PatchOptions', true)!;
  const force = boolParam(q, 'force') ?? false;
  const dryRun = isDryRun(q);
  const { config, warnings } = await readApplied(deps, def, req, q);
  const meta = config.metadata;
  if (meta.name !== undefined && meta.name !== name) {
    throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && meta.namespace && meta.namespace !== ns) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const fields = deps.fields!;
  const opts = { manager, force, subresource };
  for (let attempt = 0; ; attempt++) {
    let applied: unknown[] = [];
    try {
      const updated = await deps.resources.mutate(
        def,
        ns,
        name,
        (cur) => {
          const rv = cur.metadata.resourceVersion;
          if (meta.resourceVersion !== undefined && meta.resourceVersion !== rv) throw errors.conflict(def.group, def.plural, name);
          const r = fields.apply(def, cur, config, opts);
          applied = r.managedFields;
          r.object.metadata.resourceVersion = rv;
          return r.object;
        },
        {
          dryRun,
          subresource,
          request,
          // Read by the store after `change` ran: the ownership that apply computed.
          get appliedFields() {
            return applied;
          },
        },
      );
      return { status: 200, body: updated, warnings };
    } catch (e) {
      // Apply to a missing object creates it (not through /status, as upstream).
      if (!(e instanceof ApiError && e.code === 404 && e.reason === 'NotFound') || subresource || attempt > 0) throw e;
    }
    if (meta.resourceVersion) throw errors.notFound(def.group, def.plural, name);
    if (def.terminating) throw errors.methodNotAllowed('create not allowed while custom resource definition is terminating');
    const r = fields.apply(def, undefined, config, opts);
    r.object.metadata = { ...r.object.metadata, name };
    try {
      const created = await deps.resources.create(def, ns, r.object, { dryRun, appliedFields: r.managedFields, request });
      return { status: 201, body: created, warnings };
    } catch (e) {
      // Created by someone else meanwhile: apply over theirs.
      if (!(e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists')) throw e;
    }
  }
}
