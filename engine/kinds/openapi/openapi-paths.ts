// The `paths` of an OpenAPI v3 group-version document: collection, item, status and scale
// paths of each kind with the operations its verbs allow. kubectl reads two things here:
// a PATCH operation carrying the kind's x-kubernetes-group-version-kind and listing the
// `fieldValidation` query parameter (then it leaves validation to the server), and that
// operation's request content types (strategic merge patch → it computes SMP patches).
import type { KindDef } from '../types';
import type { SchemaRegistry } from '../schema/schema';
import type { Gvk, Json, SchemaCollector } from './openapi-schemas';
import { PATCH } from './openapi-schemas';

export const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

const query = (name: string, type: string, description: string): Json => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const P = {
  pretty: query('pretty', 'string', "If 'true', the output is indented for reading."),
  dryRun: query('dryRun', 'string', 'If set to All, every stage of the request runs but nothing is stored. Other values are rejected.'),
  fieldManager: query('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: query(
    'fieldValidation',
    'string',
    'What to do with unknown or duplicate fields in the body: Ignore drops them silently, Warn drops them and reports each in a Warning header (the default), Strict fails the request with 400 Bad Request.',
  ),
  force: query('force', 'boolean', 'Apply requests only: take ownership of fields other managers own instead of failing with a conflict.'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'Watch only: the client accepts BOOKMARK events.'),
  continue: query('continue', 'string', 'Token from the previous page of a chunked list.'),
  fieldSelector: query('fieldSelector', 'string', 'Only objects whose fields match, e.g. metadata.name=foo.'),
  labelSelector: query('labelSelector', 'string', 'Only objects whose labels match, e.g. app=web,tier!=db.'),
  limit: query('limit', 'integer', 'Most items to return; the list metadata carries a continue token when more exist.'),
  resourceVersion: query('resourceVersion', 'string', 'Resource version the list must be at least as new as, or the watch starts after.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: NotOlderThan or Exact.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'Watch only: start with ADDED events for the current state, then a bookmark.'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Ends the list or watch call after this many seconds.'),
  watch: query('watch', 'boolean', 'Stream ADDED, MODIFIED and DELETED events instead of returning a list.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; zero deletes at once.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.'),
  propagationPolicy: query('propagationPolicy', 'string', 'Garbage collection of dependents: Orphan, Background or Foreground.'),
};
const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [...WRITE_PARAMS, P.force];

const pathParam = (name: string, description: string): Json => ({
  name,
  in: 'path',
  description,
  required: true,
  schema: { type: 'string', uniqueItems: true },
});
const NAME = pathParam('name', 'Name of the object.');
const NAMESPACE = pathParam('namespace', 'Object name and auth scope, such as for teams and projects.');

/** rbac.authorization.k8s.io + v1 → RbacAuthorizationV1 (kube-apiserver's operation id style). */
function groupVersionId(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join('') + version[0].toUpperCase() + version.slice(1);
}

function tagOf(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  return words.map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w)).join('') + '_' + version;
}

const content = (schema: Json, types = ['application/json', 'application/yaml']): Json =>
  Object.fromEntries(types.map((t) => [t, { schema }]));

export function kindPaths(def: KindDef, reg: SchemaRegistry, schemas: SchemaCollector): Record<string, Json> {
  const verbs = new Set(def.verbs ?? DEFAULT_VERBS);
  const gvk: Gvk = { group: def.group, version: def.version, kind: def.kind };
  const gv = groupVersionId(def.group, def.version);
  const tags = [tagOf(def.group, def.version)];
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const nsBase = def.namespaced ? `${base}/namespaces/{namespace}` : base;
  const ns = def.namespaced ? 'Namespaced' : '';
  const scope = def.namespaced ? [NAMESPACE] : [];
  const objectRef = () => schemas.refTo(def.model);
  const listRef = () => (reg.has(`${def.model}List`) ? schemas.refTo(`${def.model}List`) : { type: 'object' });
  const statusRef = () => (reg.has('V1Status') ? schemas.refTo('V1Status') : { type: 'object' });

  const op = (
    action: string,
    opId: string,
    description: string,
    parameters: Json[],
    responses: Json,
    extra: Json = {},
    opGvk: Gvk = gvk,
  ): Json => ({
    tags,
    description,
    operationId: opId,
    parameters,
    ...extra,
    responses: { ...responses, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': opGvk,
  });
  const ok = (schema: Json, code = '200', description = 'OK'): Json => ({ [code]: { description, content: content(schema) } });
  const body = (schema: Json): Json => ({ requestBody: { content: { '*/*': { schema } }, required: true } });
  // Custom resources take no strategic merge patch; kubectl reads this list to pick its patch type.
  const patchTypes = def.customResource ? PATCH_CONTENT_TYPES.filter((t) => !t.includes('strategic')) : PATCH_CONTENT_TYPES;
  const patchBody: Json = { requestBody: { content: content(schemas.refFixed(PATCH), patchTypes), required: true } };

  const paths: Record<string, Json> = {};
  const collection: Json = {};
  if (verbs.has('list'))
    collection.get = op('list', `list${gv}${ns}${def.kind}`, `list or watch ${def.kind} objects`, LIST_PARAMS, ok(listRef()));
  if (verbs.has('create'))
    collection.post = op(
      'post',
      `create${gv}${ns}${def.kind}`,
      `create a ${def.kind}`,
      WRITE_PARAMS,
      { ...ok(objectRef()), ...ok(objectRef(), '201', 'Created'), ...ok(objectRef(), '202', 'Accepted') },
      body(objectRef()),
    );
  if (verbs.has('deletecollection'))
    collection.delete = op(
      'deletecollection',
      `delete${gv}Collection${ns}${def.kind}`,
      `delete a collection of ${def.kind} objects`,
      [...LIST_PARAMS, ...DELETE_PARAMS],
      ok(statusRef()),
      body(schemas.refTo('V1DeleteOptions')),
    );
  if (Object.keys(collection).length) paths[`${nsBase}/${def.plural}`] = { ...collection, parameters: [...scope, P.pretty] };

  if (def.namespaced && verbs.has('list')) {
    paths[`${base}/${def.plural}`] = {
      get: op(
        'list',
        `list${gv}${def.kind}ForAllNamespaces`,
        `list or watch ${def.kind} objects across namespaces`,
        LIST_PARAMS,
        ok(listRef()),
      ),
      parameters: [P.pretty],
    };
  }

  // The item path and its status and scale subresources share one shape.
  const itemOps = (suffix: string, what: string, schema: () => Json, opGvk: Gvk, allowDelete: boolean): Json => {
    const ops: Json = {};
    if (verbs.has('get')) ops.get = op('get', `read${gv}${ns}${def.kind}${suffix}`, `read ${what}`, [], ok(schema()), {}, opGvk);
    if (verbs.has('update'))
      ops.put = op(
        'put',
        `replace${gv}${ns}${def.kind}${suffix}`,
        `replace ${what}`,
        WRITE_PARAMS,
        { ...ok(schema()), ...ok(schema(), '201', 'Created') },
        body(schema()),
        opGvk,
      );
    if (verbs.has('patch'))
      ops.patch = op(
        'patch',
        `patch${gv}${ns}${def.kind}${suffix}`,
        `partially update ${what}`,
        PATCH_PARAMS,
        { ...ok(schema()), ...ok(schema(), '201', 'Created') },
        patchBody,
        opGvk,
      );
    if (allowDelete && verbs.has('delete'))
      ops.delete = op(
        'delete',
        `delete${gv}${ns}${def.kind}`,
        `delete a ${def.kind}`,
        DELETE_PARAMS,
        { ...ok(schema()), ...ok(schema(), '202', 'Accepted') },
        body(schemas.refTo('V1DeleteOptions')),
        opGvk,
      );
    return ops;
  };
  const itemPath = `${nsBase}/${def.plural}/{name}`;
  const item = itemOps('', `the specified ${def.kind}`, objectRef, gvk, true);
  if (Object.keys(item).length) paths[itemPath] = { ...item, parameters: [NAME, ...scope, P.pretty] };
  if (def.subresources.status) {
    const status = itemOps('Status', `status of the specified ${def.kind}`, objectRef, gvk, false);
    if (Object.keys(status).length) paths[`${itemPath}/status`] = { ...status, parameters: [NAME, ...scope, P.pretty] };
  }
  if (def.subresources.scale && reg.has('V1Scale')) {
    const scaleGvk: Gvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    const scale = itemOps('Scale', `scale of the specified ${def.kind}`, () => schemas.refTo('V1Scale'), scaleGvk, false);
    if (Object.keys(scale).length) paths[`${itemPath}/scale`] = { ...scale, parameters: [NAME, ...scope, P.pretty] };
  }
  return paths;
}
