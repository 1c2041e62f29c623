// Request bodies: size limit, JSON or YAML decoding, with Kubernetes' error wording.
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { ApiError, errors } from './status';
import { decodeKubeProtobuf, isKubeProtobuf, kubeProtobufMediaType, UnsupportedProtobufError } from './protobuf';
import { jsonTooDeep, maxJsonDepth, maxYamlDepth, valueTooDeep, yamlTooDeep } from './nesting-depth';

const jsonTooDeepError = () => errors.badRequest(`couldn't get version/kind; json parse error: exceeded max depth of ${maxJsonDepth}`);

export const maxBodyBytes = 3 * 1024 * 1024;

// The YAML parser loads with the first YAML body, not with the server: clients send JSON or
// protobuf, and the library costs a start ~50 ms (more on a busy machine). Its Node entry is
// CommonJS, so this is the same module an `import` would give.
let yamlParse: typeof import('yaml').parse | undefined;
const parseYaml = (text: string): unknown => (yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse)(text);

// Who else wants a request's body once the handler has read it (the audit log): the stream
// can be read only once.
const taps = new WeakMap<IncomingMessage, (body: Buffer) => void>();

/** Calls `fn` with the body when a handler reads it (whole, within the size limit). */
export function tapBody(req: IncomingMessage, fn: (body: Buffer) => void): void {
  taps.set(req, fn);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    throw errors.tooLarge();
  }
  const body = await collect(req);
  taps.get(req)?.(body);
  return body;
}

// Listeners rather than `for await`: the async iterator costs more than the read itself on the
// small bodies of most writes. The handlers are left on the request once it settles (it ends
// with the reply); unnamed, so a per-request closure costs no name helper under tsx.
function collect(req: IncomingMessage): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Gone before anyone read it ('close' has been and will not come again).
  if (req.destroyed) return Promise.reject(errors.badRequest('the request body could not be read: aborted'));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size > maxBodyBytes) {
        failed = true;
        chunks.length = 0;
        reject(errors.tooLarge());
      }
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    // The client went away mid-body: nobody is left to answer, and it is not a server fault.
    req.on('error', (e: Error) => reject(errors.badRequest(`the request body could not be read: ${e.message}`)));
    req.on('close', () => {
      if (!req.complete) reject(errors.badRequest('the request body could not be read: aborted'));
    });
  });
}

export function mediaType(req: IncomingMessage): string {
  const type = String(req.headers['content-type'] ?? 'application/json')
    .split(';')[0]
    .trim()
    .toLowerCase();
  // kubectl 1.32+ sends typed objects as protobuf; decodeBody turns them into the same JSON value,
  // so every reader that takes JSON takes them too.
  return type === kubeProtobufMediaType ? 'application/json' : type;
}

/** Decodes a JSON, YAML or Kubernetes protobuf body into a value; malformed input is a 400 the way the apiserver words it. */
export function decodeBody(buf: Buffer, type: string, what = 'the object'): unknown {
  if (isKubeProtobuf(buf)) {
    let value: unknown;
    try {
      value = decodeKubeProtobuf(buf).object;
    } catch (e) {
      if (e instanceof UnsupportedProtobufError) throw new ApiError(415, 'UnsupportedMediaType', e.message);
      throw errors.badRequest((e as Error).message);
    }
    if (valueTooDeep(value)) throw jsonTooDeepError();
    return value;
  }
  const text = buf.toString('utf8');
  if (!text.trim()) throw errors.badRequest(`the body of the request was empty: ${what} could not be decoded`);
  if (type === 'application/apply-patch+yaml' && /^\s*\{/.test(text) && !jsonTooDeep(buf)) {
    // Clients (kubectl, client-go) send apply bodies as JSON, which is YAML: JSON.parse reads it
    // the same, many times faster on large objects. Anything it refuses goes to the YAML parser.
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all
    }
  }
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    if (yamlTooDeep(text)) throw errors.badRequest(`error converting YAML to JSON: yaml: exceeded max depth of ${maxYamlDepth}`);
    try {
      return parseYaml(text);
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (jsonTooDeep(buf)) throw jsonTooDeepError();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}
