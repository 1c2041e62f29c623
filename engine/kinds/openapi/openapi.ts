// /openapi/v3: an index of group-version documents and the documents themselves, built
// from the kind definitions and the client-node model schemas on first request, then cached as
// text: kept parsed as well, all of them held 9.7 MB of heap, against 6.4 MB now (2.2 MB of it
// the texts); only the v2 conversion reads them parsed, once.
// kubectl uses them for `explain`, for deciding that the server validates fields
// (fieldValidation on PATCH) and for strategic-merge keys in client-side apply.
import { createHash, randomBytes } from 'node:crypto';
import type { KindDef } from '../types';
import type { SchemaRegistry } from '../schema/schema';
import { createSchemaNamer } from './openapi-names';
import { createSchemaCollector, ref, type Gvk, type Json, type SchemaCollector } from './openapi-schemas';
import { customComponents, customSchemaName } from '../custom/crd-openapi';
import { kindPaths } from './openapi-paths';

export interface OpenApiV3 {
  /** Body of GET /openapi/v3. */
  index(): { paths: Record<string, { serverRelativeURL: string }> };
  /** Body of GET /openapi/v3/<gvPath> (`api/v1`, `apis/apps/v1`); undefined if not served. */
  document(gvPath: string): Json | undefined;
  /** The same document already serialized (they are large; serialize once). */
  documentText(gvPath: string): string | undefined;
  /**
   * The version in serverRelativeURL (uppercase hex SHA-512 like kube-apiserver's content hash,
   * '' for a path not served): it changes whenever the document may have, without building it.
   */
  hash(gvPath: string): string;
  /** Replaces the kinds served from CRDs (their documents are rebuilt on next request). */
  setCustomKinds(defs: KindDef[]): void;
}

export interface OpenApiOptions {
  /** info.version of each document; the server's gitVersion. */
  version?: string;
}

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function createOpenApiV3(reg: SchemaRegistry, kinds: KindDef[], opts: OpenApiOptions = {}): OpenApiV3 {
  const namer = createSchemaNamer(reg, kinds);
  const byPath = new Map<string, KindDef[]>();
  for (const k of kinds) {
    if (!reg.has(k.model)) continue; // nothing to describe (e.g. a kind without a client model)
    const p = groupVersionPath(k.group, k.version);
    byPath.set(p, [...(byPath.get(p) ?? []), k]);
  }

  // Kinds (and their lists) by model, for x-kubernetes-group-version-kind on component schemas.
  const gvks = new Map<string, Gvk[]>();
  const addGvk = (model: string, gvk: Gvk) => {
    const list = gvks.get(model) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    gvks.set(model, list);
  };
  for (const k of kinds) {
    addGvk(k.model, { group: k.group, version: k.version, kind: k.kind });
    addGvk(`${k.model}List`, { group: k.group, version: k.version, kind: `${k.kind}List` });
  }
  addGvk('V1Scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  addGvk('V1Status', { group: '', version: 'v1', kind: 'Status' });

  const built = new Map<string, string>();
  let customByPath = new Map<string, KindDef[]>();
  const defsAt = (gvPath: string) => byPath.get(gvPath) ?? customByPath.get(gvPath);

  // Clients cache a document by its URL for good ("immutable"), so the hash must change whenever
  // the document may. Built-in documents are fixed for this process and custom ones change only
  // with setCustomKinds: a per-process nonce and a per-path generation say as much as a content
  // hash, and the index no longer builds all 19 documents (180 ms) to hash them before a client
  // has asked for one.
  const nonce = randomBytes(16).toString('hex');
  const generation = new Map<string, number>();
  const hashes = new Map<string, string>();
  const hashOf = (gvPath: string) => {
    let h = hashes.get(gvPath);
    if (h === undefined) {
      h = createHash('sha512')
        .update(`${nonce}/${gvPath}/${generation.get(gvPath) ?? 0}`)
        .digest('hex')
        .toUpperCase();
      hashes.set(gvPath, h);
    }
    return h;
  };

  function build(gvPath: string) {
    const cached = built.get(gvPath);
    if (cached) return cached;
    const defs = defsAt(gvPath);
    if (!defs) return undefined;
    const base = createSchemaCollector(reg, namer, (model) => gvks.get(model) ?? []);
    const custom = customModels(defs, base);
    const schemas: SchemaCollector = {
      refTo: (model) => custom.refs.get(model) ?? base.refTo(model),
      refFixed: base.refFixed,
      components: () => sortedObject({ ...base.components(), ...custom.components }),
    };
    const kindReg: SchemaRegistry = { ...reg, has: (model) => custom.refs.has(model) || reg.has(model) };
    const paths: Record<string, Json> = {};
    for (const def of defs) Object.assign(paths, kindPaths(def, kindReg, schemas));
    const sortedPaths = Object.fromEntries(
      Object.keys(paths)
        .sort()
        .map((p) => [p, paths[p]]),
    );
    const doc: Json = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: opts.version ?? 'v1.33.0' },
      paths: sortedPaths,
      components: {
        schemas: schemas.components(),
        securitySchemes: {
          BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' },
        },
      },
      security: [{ BearerToken: [] }],
    };
    const text = JSON.stringify(doc);
    built.set(gvPath, text);
    return text;
  }

  const normalize = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');

  return {
    index() {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const p of [...new Set([...byPath.keys(), ...customByPath.keys()])].sort())
        paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(p)}` };
      return { paths };
    },
    document(gvPath) {
      const text = build(normalize(gvPath));
      return text === undefined ? undefined : (JSON.parse(text) as Json);
    },
    documentText: (gvPath) => build(normalize(gvPath)),
    hash: (gvPath) => (defsAt(normalize(gvPath)) ? hashOf(normalize(gvPath)) : ''),
    setCustomKinds(defs) {
      const changed = new Set(customByPath.keys());
      customByPath = new Map();
      for (const d of defs) {
        const p = groupVersionPath(d.group, d.version);
        if (byPath.has(p)) continue; // never shadow a built-in group-version
        customByPath.set(p, [...(customByPath.get(p) ?? []), d]);
        changed.add(p);
      }
      for (const p of changed) {
        built.delete(p);
        generation.set(p, (generation.get(p) ?? 0) + 1);
        hashes.delete(p);
      }
    },
  };
}

/** Custom kinds' components, and the refs kindPaths asks for by model name. */
function customModels(defs: KindDef[], base: SchemaCollector) {
  const refs = new Map<string, Json>();
  let components: Record<string, Json> = {};
  for (const d of defs) {
    if (!d.customResource) continue;
    refs.set(d.model, ref(customSchemaName(d)));
    refs.set(`${d.model}List`, ref(customSchemaName(d, 'List')));
    components = { ...components, ...customComponents(d) };
    // Pull in what the custom schemas point at.
    base.refTo('V1ObjectMeta');
    base.refTo('V1ListMeta');
  }
  return { refs, components };
}

function sortedObject<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]),
  );
}
