// The in-process client: the same storage, admission, validation and watch machinery the
// HTTPS API uses, without TLS and JSON on the wire. Controllers, the scheduler and local
// kubelets use it; returned objects are the caller's own (safe to mutate). A client made with a
// user is authorized like a request from that user (Node authorizer, RBAC) and admitted as it
// (NodeRestriction); one without is the cluster's own composer and is not checked.
import type { UserInfo } from '../apimachinery/user-info';
import type { KindDef, KubeObject } from '../kinds/types';
import type { ApiCore } from './api-core';
import { errors } from './status';
import { buildFilter } from './request-decoding';
import { openWatch } from './watch';
import { findSubresource } from './subresources/subresource-table';
import { setPath, toScale } from './subresources/subresources-common';
import type { KubeClient, ResourceRef, PatchType } from '../client/types';
import type { Attributes } from './authz/request-info';
import { exactName, fieldRequirements } from './authz/request-info';
import { collectingRequest } from './admission/admission-request';
import { copySharedMetadataTrimmed, copySharedTrimmed, readOnlyTrimmed } from './shared-copy';

const patchTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** The field manager in-process writers (controllers, scheduler, local kubelets) are recorded as. */
export const IN_PROCESS_MANAGER = 'skiff-control-plane';

export interface InProcessClientOptions {
  /** Who the client acts as; none: unchecked (the cluster's composer and tests). */
  user?: UserInfo;
}

export function createInProcessClient(core: ApiCore, opts: InProcessClientOptions = {}): KubeClient {
  const { deps } = core;
  const resources = deps.resources;
  const { user } = opts;
  // In-process writers have nobody to warn; admission still sees who writes.
  const request = user ? collectingRequest(user, () => {}) : undefined;
  const allow = async (verb: string, def: KindDef, ns: string | undefined, name = '', subresource = '', fieldSelector?: string) => {
    if (!user) return;
    const a: Attributes = {
      user,
      verb,
      resourceRequest: true,
      path: '',
      apiGroup: def.group,
      apiVersion: def.version,
      namespace: def.namespaced ? (ns ?? '') : '',
      resource: def.plural,
      subresource,
      name,
      ...(fieldSelector ? { fieldSelector: fieldRequirements(fieldSelector) } : {}),
    };
    await core.authorization.check(a);
  };

  function kind(res: ResourceRef): KindDef {
    const def = deps.kinds.byResource(res.group, res.version, res.plural);
    if (!def) throw errors.notFoundPath();
    return def;
  }
  const nsOf = (def: KindDef, ns: string | undefined) => (def.namespaced ? ns : undefined);
  const query = (o: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) if (v) q.set(k, v);
    return q;
  };

  return {
    async get(res, ns, name) {
      const def = kind(res);
      await allow('get', def, ns, name);
      return resources.get(def, nsOf(def, ns), name);
    },

    async list(res, ns, opts = {}) {
      const def = kind(res);
      await allow('list', def, ns, exactName(opts.fieldSelector ?? null), '', opts.fieldSelector);
      const filter = buildFilter(deps, def, query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector }));
      const r = await resources.list(def, nsOf(def, ns), { filter, limit: opts.limit, continueToken: opts.continue });
      // Listed objects are shared with the API server's cache: hand out copies (without
      // managedFields, which no in-process reader uses).
      const items = r.items.map(opts.metadataOnly ? metadataCopy : copySharedTrimmed);
      return { items, resourceVersion: r.resourceVersion, continue: r.continueToken };
    },

    async create(res, ns, obj, opts = {}) {
      const def = kind(res);
      if (def.namespaced && !ns) ns = obj.metadata?.namespace;
      await allow('create', def, ns);
      const body = opts.handOver ? obj : structuredClone(obj);
      return resources.create(def, nsOf(def, ns), body, { dryRun: opts.dryRun, fieldManager: IN_PROCESS_MANAGER, request });
    },

    async update(res, ns, obj, opts = {}) {
      const def = kind(res);
      const body = structuredClone(obj);
      const rv = body.metadata?.resourceVersion;
      await allow('update', def, ns ?? obj.metadata?.namespace, obj.metadata.name, opts.subresource);
      return resources.mutate(
        def,
        nsOf(def, ns ?? obj.metadata?.namespace),
        obj.metadata.name!,
        () => body,
        { dryRun: opts.dryRun, subresource: opts.subresource, fieldManager: IN_PROCESS_MANAGER, request },
        rv || undefined,
      );
    },

    async getScale(res, ns, name) {
      const def = kind(res);
      if (!def.subresources.scale) throw errors.notFoundPath();
      await allow('get', def, ns, name, 'scale');
      return toScale(def, await resources.get(def, nsOf(def, ns), name));
    },

    async updateScale(res, ns, name, replicas) {
      const def = kind(res);
      const scale = def.subresources.scale;
      if (!scale) throw errors.notFoundPath();
      await allow('update', def, ns, name, 'scale');
      const updated = await resources.mutate(
        def,
        nsOf(def, ns),
        name,
        (cur) => {
          setPath(cur, scale.specReplicasPath, replicas);
          return cur;
        },
        { fieldManager: IN_PROCESS_MANAGER, request },
      );
      return toScale(def, updated);
    },

    async patch(res, ns, name, type, patch, opts = {}) {
      const def = kind(res);
      await allow('patch', def, ns, name, opts.subresource);
      return resources.mutate(
        def,
        nsOf(def, ns),
        name,
        (cur) => {
          const rv = cur.metadata.resourceVersion;
          // mutate's private copy, read no more here: patched in place, not copied again.
          const next = deps.applyPatch(patchTypes[type], cur, patch, deps.schemaOf(def.model), true);
          if (next.metadata?.resourceVersion !== undefined && next.metadata.resourceVersion !== rv)
            throw errors.conflict(def.group, def.plural, name);
          return next;
        },
        { dryRun: opts.dryRun, subresource: opts.subresource, fieldManager: IN_PROCESS_MANAGER, request },
      );
    },

    async delete(res, ns, name, opts = {}) {
      const def = kind(res);
      await allow('delete', def, ns, name);
      return (await resources.remove(def, nsOf(def, ns), name, { ...opts, request })).obj;
    },

    async createSubresource(res, ns, name, sub, body) {
      const def = kind(res);
      // The same handler objects HTTP uses (pods/binding, pods/eviction): only those that take a body.
      const handler = findSubresource(def, sub);
      if (!handler?.create) throw errors.notFoundPath();
      await allow('create', def, ns, name, sub);
      const answer = await handler.create({ deps, def, ns, name, q: new URLSearchParams(), request }, body);
      return answer ?? { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 };
    },

    watch(res, ns, opts, onEvent, onClose) {
      let stopFn: (() => void) | undefined;
      let stopped = false;
      (async () => {
        const def = kind(res);
        await allow('watch', def, ns, exactName(opts.fieldSelector ?? null), '', opts.fieldSelector);
        const filter = buildFilter(deps, def, query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector }));
        stopFn = await openWatch(
          { store: deps.store, resources },
          {
            def,
            namespace: nsOf(def, ns),
            filter,
            resourceVersion: opts.resourceVersion,
            allowBookmarks: opts.allowBookmarks,
            encodeObject: opts.metadataOnly
              ? opts.readOnly
                ? metadataView
                : metadataCopy
              : opts.readOnly
                ? readOnlyTrimmed
                : copySharedTrimmed,
          },
          {
            event: (type, obj) => {
              if (!stopped) onEvent(type, obj as KubeObject);
            },
            end: (err) => {
              if (!stopped) {
                stopped = true;
                onClose(err);
              }
            },
          },
        );
        if (stopped) stopFn();
      })().catch((err) => {
        if (!stopped) {
          stopped = true;
          onClose(err);
        }
      });
      return {
        stop() {
          if (stopped) return;
          stopped = true;
          stopFn?.();
        },
      };
    },
  };
}

/** What a metadata-only reader gets: its own copy of the metadata, not of (large) specs or managedFields. */
function metadataCopy(obj: KubeObject): KubeObject {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: copySharedMetadataTrimmed(obj.metadata) };
}

/** As metadataCopy for a read-only watcher (the garbage collector's informers): the metadata of
 *  the view every informer of the event shares (readOnlyTrimmed), not a copy parsed per event. */
function metadataView(obj: KubeObject): KubeObject {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: readOnlyTrimmed(obj).metadata };
}
