// /openapi/v2: one Swagger 2.0 document for every served kind, derived from the /openapi/v3
// group-version documents so both always agree. kubectl 1.27 and 1.28 fetch it (as protobuf)
// before create/apply/replace/edit validate and for explain; without it they fail.
// Built on first request and cached, as JSON text and as gnostic protobuf bytes.
import { createHash } from 'node:crypto';
import type { KindDef } from '../types';
import type { SchemaRegistry } from '../schema/schema';
import type { Json } from './openapi-schemas';
import { createOpenApiV3, type OpenApiOptions, type OpenApiV3 } from './openapi';
import { pathItemToV2, schemaToV2 } from './openapi-v2-convert';
import { encodeOpenApiV2 } from './openapi-v2-proto';

/** The media type kube-apiserver answers with. kubectl asks for the older `...v2@v1.0+protobuf`
 *  spelling, but `@` is not a legal MIME token character: client-go's mime.ParseMediaType
 *  rejects a response labelled that way ("unexpected content after media subtype"). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export interface OpenApiV2Options extends OpenApiOptions {
  /** Share an existing /openapi/v3 builder (and its cache) instead of making one. */
  v3?: OpenApiV3;
}

export interface OpenApiV2Body {
  body: Uint8Array;
  /** Quoted strong ETag (hash of the body). */
  etag: string;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | number>;
  body: Uint8Array | string;
}

export interface OpenApiV2 {
  /** The Swagger 2.0 document (do not mutate: it is cached). */
  document(): Json;
  json(): OpenApiV2Body;
  protobuf(): OpenApiV2Body;
  /** Milliseconds spent building the document and its encodings so far (each is built once). */
  buildMs(): number;
  /** The whole answer to GET /openapi/v2 given the request's Accept and If-None-Match headers. */
  reply(accept: string | undefined, ifNoneMatch: string | undefined): HttpReply;
  /** Drops the cached document (the v3 documents changed: CRDs came or went). */
  invalidate(): void;
}

const bodyOf = (bytes: Uint8Array): OpenApiV2Body => ({
  body: bytes,
  etag: `"${createHash('sha512').update(bytes).digest('hex').toUpperCase()}"`,
});

/** Whether an Accept header prefers the gnostic protobuf form (either spelling kubectl has used). */
export function wantsProtobuf(accept: string | undefined): boolean {
  return !!accept && /com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept);
}

export function createOpenApiV2(reg: SchemaRegistry, kinds: KindDef[], opts: OpenApiV2Options = {}): OpenApiV2 {
  const v3 = opts.v3 ?? createOpenApiV3(reg, kinds, opts);
  let doc: Json | undefined;
  let jsonBody: OpenApiV2Body | undefined;
  let protoBody: OpenApiV2Body | undefined;
  let ms = 0;

  const timed = <T>(f: () => T): T => {
    const start = performance.now();
    try {
      return f();
    } finally {
      ms += performance.now() - start;
    }
  };

  function build(): Json {
    const paths: Record<string, Json> = {};
    const definitions: Record<string, Json> = {};
    for (const gvPath of Object.keys(v3.index().paths)) {
      const d = v3.document(gvPath) as { paths: Record<string, Json>; components: { schemas: Record<string, Json> } };
      for (const [p, item] of Object.entries(d.paths)) paths[p] = pathItemToV2(item);
      // A type reached from several group-versions is the same schema in each document.
      for (const [name, s] of Object.entries(d.components.schemas)) if (!(name in definitions)) definitions[name] = schemaToV2(s);
    }
    const sorted = <T>(m: Record<string, T>) =>
      Object.fromEntries(
        Object.keys(m)
          .sort()
          .map((k) => [k, m[k]]),
      );
    const result: Json = {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: opts.version ?? 'v1.33.0' },
      paths: sorted(paths),
      definitions: sorted(definitions),
      securityDefinitions: {
        BearerToken: { description: 'Bearer token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
      },
      security: [{ BearerToken: [] }],
    };
    return result;
  }

  const api: OpenApiV2 = {
    document: () => (doc ??= timed(build)),
    json: () => (jsonBody ??= timed(() => bodyOf(Buffer.from(JSON.stringify(api.document()))))),
    protobuf: () => (protoBody ??= timed(() => bodyOf(encodeOpenApiV2(api.document())))),
    buildMs: () => ms,
    invalidate() {
      doc = undefined;
      jsonBody = undefined;
      protoBody = undefined;
    },
    reply(accept, ifNoneMatch) {
      const proto = wantsProtobuf(accept);
      const b = proto ? api.protobuf() : api.json();
      const headers: Record<string, string | number> = {
        'Content-Type': proto ? OPENAPI_V2_PROTOBUF : 'application/json',
        ETag: b.etag,
        Vary: 'Accept',
        'Cache-Control': 'no-cache, private',
      };
      if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === b.etag || t.trim() === '*'))
        return { status: 304, headers, body: '' };
      return { status: 200, headers: { ...headers, 'Content-Length': b.body.byteLength }, body: b.body };
    },
  };
  return api;
}
