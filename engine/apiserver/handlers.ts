// HTTP verbs on /api and /apis resource paths: get, list, watch, create, update, patch, delete.
// Bodies and query options are decoded by request-decoding.ts; subresources by subresources.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDef, KubeObject } from '../kinds/types';
import type { Route } from './routes';
import type { HandlerDeps, Reply } from './handler-deps';
import { errors, ApiError } from './status';
import { enforceSchema, parseFieldValidation } from './field-validation';
import { boolParam, includeObjectParam, intParam, isDryRun, wantsTable } from './request-options';
import { toTable } from './table';
import { serveWatch } from './watch';
import { apiVersionOf } from './object-meta';
import { buildFilter, checkTypeMeta, deleteOptions, readObject, readPatch } from './request-decoding';
import { handleSubresource } from './subresources/subresources';
import { collectingRequest, type AdmissionRequest } from './admission/admission-request';
import { mediaType } from './body';
import { APPLY_PATCH_TYPES, fieldManagerOf, handleApply } from './apply-handler';

type ResourceRoute = Extract<Route, { type: 'resource' }>;

export async function handleResource(
  deps: HandlerDeps,
  route: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
  user: { user: string; groups: string[] },
): Promise<Reply | undefined> {
  const def = deps.kinds.byResource(route.group, route.version, route.plural);
  if (!def) throw errors.notFoundPath();
  if (route.namespace !== undefined && !def.namespaced) throw errors.notFoundPath();
  const ns = def.namespaced ? route.namespace : undefined;
  const method = req.method ?? 'GET';
  if (def.deprecationWarning) res.setHeader('Warning', warningHeader([def.deprecationWarning]));
  if (route.subresource)
    return handleSubresource(deps, def, ns, route.name!, route.subresource, req, q, user, res, admissionRequest(user, res));
  if (def.virtual) {
    if (method !== 'POST' || route.name) throw errors.methodNotAllowed();
    return handleSubresource(deps, def, ns, '', '', req, q, user);
  }

  if (!route.name) {
    if (method === 'GET') {
      if (boolParam(q, 'watch')) {
        await watch(deps, def, ns, req, res, q);
        return undefined;
      }
      return list(deps, def, ns, req, q);
    }
    if (method === 'POST') {
      if (def.namespaced && ns === undefined) throw errors.notFoundPath();
      if (def.terminating) throw errors.methodNotAllowed('create not allowed while custom resource definition is terminating');
      return create(deps, def, ns, req, q, admissionRequest(user, res));
    }
    if (method === 'DELETE') return deleteCollection(deps, def, ns, req, q, admissionRequest(user, res));
    throw errors.methodNotAllowed();
  }
  if (def.namespaced && ns === undefined) throw errors.notFoundPath();
  const name = route.name;
  switch (method) {
    case 'GET': {
      if (!wantsTable(req)) return { status: 200, body: undefined, text: await deps.resources.getJsonText(def, ns, name) };
      const obj = await deps.resources.get(def, ns, name);
      return {
        status: 200,
        body: toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, includeObjectParam(q), deps.now().getTime()),
      };
    }
    case 'PUT':
      return update(deps, def, ns, name, req, q, admissionRequest(user, res));
    case 'PATCH':
      return patch(deps, def, ns, name, req, q, admissionRequest(user, res));
    case 'DELETE':
      return remove(deps, def, ns, name, req, q, admissionRequest(user, res));
    default:
      throw errors.methodNotAllowed();
  }
}

/** Warning header values (`299 - "text"`), as kube-apiserver sends them. */
export function warningHeader(warnings: string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}

/** Adds Warning headers after those already set. */
export function appendWarnings(res: ServerResponse, warnings: string[]) {
  const prior = res.getHeader('Warning');
  const kept = prior === undefined ? [] : Array.isArray(prior) ? prior : [String(prior)];
  res.setHeader('Warning', [...kept, ...warningHeader(warnings)]);
}

/** What admission learns of an HTTP write: who makes it; its warnings become Warning headers. */
function admissionRequest(user: { user: string; groups: string[] }, res: ServerResponse): AdmissionRequest {
  return collectingRequest(user, (w) => appendWarnings(res, [w]));
}

async function list(deps: HandlerDeps, def: KindDef, ns: string | undefined, req: IncomingMessage, q: URLSearchParams): Promise<Reply> {
  const filter = buildFilter(deps, def, q);
  const page = { limit: intParam(q, 'limit'), continueToken: q.get('continue') || undefined };
  const metaOf = (r: { resourceVersion: string; continueToken?: string }) => ({
    resourceVersion: r.resourceVersion,
    ...(r.continueToken ? { continue: r.continueToken } : {}),
  });
  if (!filter && !wantsTable(req)) {
    const r = await deps.resources.listJsonTexts(def, ns, page);
    const head = JSON.stringify({ kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: metaOf(r) }).slice(0, -1);
    return { status: 200, body: undefined, text: `${head},"items":[${r.items.join(',')}]}` };
  }
  const result = await deps.resources.list(def, ns, { ...page, filter });
  const meta = metaOf(result);
  if (wantsTable(req)) return { status: 200, body: toTable(def, result.items, meta, includeObjectParam(q), deps.now().getTime()) };
  return { status: 200, body: { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: meta, items: result.items } };
}

async function watch(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
) {
  const table = wantsTable(req);
  const include = includeObjectParam(q);
  let first = true;
  await serveWatch(
    { store: deps.store, resources: deps.resources },
    {
      def,
      namespace: ns,
      filter: buildFilter(deps, def, q),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      sendInitialEvents: boolParam(q, 'sendInitialEvents'),
      allowBookmarks: boolParam(q, 'allowWatchBookmarks'),
      timeoutSeconds: intParam(q, 'timeoutSeconds'),
      shareable: !table,
      asStored: !table,
      encodeObject: (obj: KubeObject) => {
        if (!table) return obj;
        // Only the first event's Table carries column definitions, as kube-apiserver does.
        const t = toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, include, deps.now().getTime(), first);
        first = false;
        return t;
      },
    },
    res,
    (fn) => {
      req.on('close', fn);
      res.on('close', fn);
    },
  );
}

async function create(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  req: IncomingMessage,
  q: URLSearchParams,
  request: AdmissionRequest,
): Promise<Reply> {
  const { obj, warnings } = await readObject(deps, def, req, q);
  if (def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (obj.metadata.resourceVersion) {
    throw errors.badRequest('resourceVersion should not be set on objects to be created');
  }
  const fieldManager = fieldManagerOf(req, q, 'CreateOptions');
  const created = await deps.resources.create(def, ns, obj, { dryRun: isDryRun(q), request, fieldManager });
  return { status: 201, body: created, warnings };
}

async function update(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
  request: AdmissionRequest,
): Promise<Reply> {
  const { obj, warnings } = await readObject(deps, def, req, q);
  if (def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const fieldManager = fieldManagerOf(req, q, 'UpdateOptions');
  const updated = await deps.resources.update(def, ns, name, obj, { dryRun: isDryRun(q), request, fieldManager });
  return { status: 200, body: updated, warnings };
}

async function patch(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
  request: AdmissionRequest,
): Promise<Reply> {
  if (APPLY_PATCH_TYPES.includes(mediaType(req))) return handleApply(deps, def, ns, name, req, q, undefined, request);
  const fieldManager = fieldManagerOf(req, q, 'PatchOptions');
  const p = await readPatch(req, def);
  const mode = parseFieldValidation(q.get('fieldValidation'));
  let warnings: string[] = [];
  const updated = await deps.resources.mutate(
    def,
    ns,
    name,
    (cur) => {
      const rv = cur.metadata.resourceVersion;
      // mutate's private copy, read no more here: patched in place, not copied again.
      const next = deps.applyPatch(p.type, cur, p.body, deps.schemaOf(def.model), true);
      if (!next || typeof next !== 'object' || Array.isArray(next)) throw errors.badRequest('the patch did not produce an object');
      checkTypeMeta(def, next);
      next.metadata ??= {};
      if (next.metadata.resourceVersion !== undefined && next.metadata.resourceVersion !== rv) {
        throw errors.conflict(def.group, def.plural, name);
      }
      warnings = enforceSchema(deps.checker, def, next, mode);
      return next;
    },
    { dryRun: isDryRun(q), request, fieldManager },
  );
  return { status: 200, body: updated, warnings };
}

async function remove(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
  request: AdmissionRequest,
): Promise<Reply> {
  const opts = { ...(await deleteOptions(req, q)), request };
  const { obj } = await deps.resources.remove(def, ns, name, opts);
  return { status: 200, body: obj };
}

async function deleteCollection(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  req: IncomingMessage,
  q: URLSearchParams,
  request: AdmissionRequest,
): Promise<Reply> {
  const opts = { ...(await deleteOptions(req, q)), request };
  const { items, resourceVersion } = await deps.resources.list(def, ns, { filter: buildFilter(deps, def, q) });
  const deleted: KubeObject[] = [];
  for (const item of items) {
    try {
      deleted.push((await deps.resources.remove(def, item.metadata.namespace, item.metadata.name!, opts)).obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  return { status: 200, body: { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion }, items: deleted } };
}
