// Decodes Kubernetes protobuf request bodies (what kubectl 1.32+ sends for typed objects) into
// the JSON object the same request would carry as application/json.
//
// Wire form (k8s.io/apimachinery runtime/serializer/protobuf): the magic bytes "k8s\0", then a
// runtime.Unknown message {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3,
// contentType=4} whose raw is the object's own message, e.g. k8s.io.api.core.v1.ConfigMap.
import { ProtobufFormatError, readFields } from './wire';
import { createSchemas, messageForKind, type Schemas } from './schema';
import { createMessageDecoder } from './decode-message';

export { ProtobufFormatError } from './wire';

export const kubeProtobufMediaType = 'application/vnd.kubernetes.protobuf';
export const kubeProtobufMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The body is protobuf, but of a kind (or encoding) this server has no schema for. */
export class UnsupportedProtobufError extends Error {}

export interface DecodedProtobuf {
  apiVersion: string;
  kind: string;
  object: any;
}

export function isKubeProtobuf(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(kubeProtobufMagic);
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

function readEnvelope(data: Buffer): Envelope {
  const env: Envelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '', contentType: '' };
  for (const f of readFields(data)) {
    if (f.wire !== 2) continue;
    if (f.number === 1) {
      for (const t of readFields(f.value)) {
        if (t.wire !== 2) continue;
        if (t.number === 1) env.apiVersion = t.value.toString('utf8');
        if (t.number === 2) env.kind = t.value.toString('utf8');
      }
    } else if (f.number === 2) env.raw = f.value;
    else if (f.number === 3) env.contentEncoding = f.value.toString('utf8');
    else if (f.number === 4) env.contentType = f.value.toString('utf8');
  }
  return env;
}

/** Creates a decoder over a field table (tests pass small ones; the server uses the generated table). */
export function createKubeProtobufDecoder(schemas: Schemas = createSchemas()) {
  const messages = createMessageDecoder(schemas);

  return function decode(body: Buffer): DecodedProtobuf {
    if (!isKubeProtobuf(body)) throw new ProtobufFormatError('the body does not start with the Kubernetes protobuf prefix "k8s\\0"');
    if (body.length === 4) throw new ProtobufFormatError('empty protobuf body');
    const env = readEnvelope(body.subarray(4));
    const { apiVersion, kind } = env;
    if (!kind) throw new ProtobufFormatError('the protobuf body carries no kind');
    if (!apiVersion) throw new ProtobufFormatError(`the protobuf body for kind ${kind} carries no apiVersion`);
    if (env.contentEncoding) throw new UnsupportedProtobufError(`protobuf content encoding "${env.contentEncoding}" is not supported`);

    let object: any;
    if (env.contentType === 'application/json') {
      try {
        object = JSON.parse(env.raw.toString('utf8'));
      } catch (e) {
        throw new ProtobufFormatError(`the embedded JSON of ${apiVersion} ${kind} is malformed: ${(e as Error).message}`);
      }
    } else if (env.contentType === '' || env.contentType === kubeProtobufMediaType) {
      const name = messageForKind(schemas, apiVersion, kind);
      if (!name)
        throw new UnsupportedProtobufError(
          `protobuf bodies of ${apiVersion} ${kind} are not supported by this server; send application/json`,
        );
      try {
        object = messages.message(env.raw, name);
      } catch (e) {
        if (e instanceof ProtobufFormatError)
          throw new ProtobufFormatError(`malformed protobuf body for ${apiVersion} ${kind}: ${e.message}`);
        throw e;
      }
    } else {
      throw new UnsupportedProtobufError(`protobuf envelope content type "${env.contentType}" is not supported`);
    }
    if (!object || typeof object !== 'object' || Array.isArray(object)) {
      throw new ProtobufFormatError(`the body of ${apiVersion} ${kind} is not an object`);
    }
    return { apiVersion, kind, object: { kind, apiVersion, ...object } };
  };
}

let shared: ((body: Buffer) => DecodedProtobuf) | undefined;

/** Decodes a "k8s\0"-prefixed protobuf body; throws ProtobufFormatError (400) or UnsupportedProtobufError (415). */
export function decodeKubeProtobuf(body: Buffer): DecodedProtobuf {
  shared ??= createKubeProtobufDecoder();
  return shared(body);
}
