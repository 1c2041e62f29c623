// A minimal Docker Registry HTTP API v2 for tests, on 127.0.0.1 over plain HTTP (dockerd allows
// insecure registries on 127.0.0.0/8 without configuration). Images are pushed from the local
// engine (`docker save` through dockerode) into memory; pulls read manifests and blobs, with
// Basic auth and a bandwidth limit when asked.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { MANIFEST_V2, imageFromSave, type PushedImage } from './image-blobs';

export interface TestRegistryOptions {
  auth?: { user: string; password: string };
  /** Blob download rate limit (bytes per second); unset: as fast as possible. */
  bytesPerSecond?: number;
  docker?: Docker;
}

export interface PushOptions {
  /** Files (absolute paths in the image) added as one more layer, e.g. a version marker or padding. */
  files?: Record<string, string | Buffer>;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  /**
   * Copies a local image (`repo:tag` the engine has) into the registry as `repoTag` (`team/app:v1`);
   * resolves with the full reference to pull, the manifest digest and the image ID a pull yields.
   */
  push(localImage: string, repoTag: string, opts?: PushOptions): Promise<{ ref: string; digest: string; imageId: string }>;
  /** Requests served so far, as "METHOD /path" (to tell whether a pull reached the registry). */
  readonly requests: string[];
  /** Change the blob rate limit (undefined: unlimited). */
  bytesPerSecond: number | undefined;
  close(): Promise<void>;
}

const errorBody = (code: string, message: string, detail?: unknown) =>
  JSON.stringify({ errors: [{ code, message, detail: detail ?? null }] });

export async function startTestRegistry(o: TestRegistryOptions = {}): Promise<TestRegistry> {
  const docker = o.docker ?? new Docker();
  const manifests = new Map<string, Map<string, PushedImage>>(); // repo → tag or digest → image
  const blobs = new Map<string, Buffer>();
  const requests: string[] = [];
  let bytesPerSecond = o.bytesPerSecond;

  const send = (res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | string, head = false) => {
    const b = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
    res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Length': b.length, ...headers });
    res.end(head ? undefined : b);
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string, head: boolean, extra: Record<string, string> = {}) =>
    send(res, status, { 'Content-Type': 'application/json', ...extra }, errorBody(code, message), head);

  function authorized(req: IncomingMessage): boolean {
    if (!o.auth) return true;
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    return Buffer.from(m[1], 'base64').toString('utf8') === `${o.auth.user}:${o.auth.password}`;
  }

  async function sendBlob(req: IncomingMessage, res: ServerResponse, digest: string, data: Buffer, head: boolean) {
    res.writeHead(200, {
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Content-Type': 'application/octet-stream',
      'Content-Length': data.length,
      'Docker-Content-Digest': digest,
    });
    if (head) return void res.end();
    const rate = bytesPerSecond;
    if (!rate) return void res.end(data);
    // 10 chunks a second at the limit; stop early when the client goes away.
    const chunk = Math.max(1024, Math.floor(rate / 10));
    for (let off = 0; off < data.length && !req.destroyed; off += chunk) {
      res.write(data.subarray(off, off + chunk));
      await new Promise((r) => setTimeout(r, 100));
    }
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    requests.push(`${method} ${url.pathname}`);
    if (!url.pathname.startsWith('/v2/')) return fail(res, 404, 'NOT_FOUND', 'not a registry v2 path', head);
    if (!authorized(req))
      return fail(res, 401, 'UNAUTHORIZED', 'authentication required', head, { 'WWW-Authenticate': 'Basic realm="skiff-test"' });
    if (url.pathname === '/v2/' && (method === 'GET' || head)) return send(res, 200, { 'Content-Type': 'application/json' }, '{}', head);
    if (method !== 'GET' && !head)
      return fail(res, 405, 'UNSUPPORTED', 'this test registry is read-only over HTTP; push with TestRegistry.push', head);
    let m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const repo = manifests.get(m[1]);
      if (!repo) return fail(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', head);
      const img = repo.get(decodeURIComponent(m[2]));
      if (!img) return fail(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', head);
      return send(res, 200, { 'Content-Type': MANIFEST_V2, 'Docker-Content-Digest': img.manifestDigest }, img.manifest, head);
    }
    m = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    if (m) {
      const data = manifests.has(m[1]) ? blobs.get(m[2]) : undefined;
      if (!data) return fail(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry', head);
      sendBlob(req, res, m[2], data, head).catch(() => res.destroy());
      return;
    }
    fail(res, 404, 'UNSUPPORTED', `no such registry API: ${method} ${url.pathname}`, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function saveImage(image: string): Promise<Buffer> {
    const stream = await docker.getImage(image).get();
    const parts: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
    return Buffer.concat(parts);
  }

  return {
    host,
    requests,
    get bytesPerSecond() {
      return bytesPerSecond;
    },
    set bytesPerSecond(v) {
      bytesPerSecond = v;
    },
    async push(localImage, repoTag, opts = {}) {
      const m = /^([a-z0-9]+(?:[._/-][a-z0-9]+)*):([\w][\w.-]{0,127})$/.exec(repoTag);
      if (!m) throw new Error(`push: "${repoTag}" is not repo:tag (lowercase repository path, then a tag)`);
      const img = imageFromSave(await saveImage(localImage), opts.files);
      for (const [d, b] of img.blobs) blobs.set(d, b);
      let repo = manifests.get(m[1]);
      if (!repo) manifests.set(m[1], (repo = new Map()));
      repo.set(m[2], img);
      repo.set(img.manifestDigest, img);
      return { ref: `${host}/${repoTag}`, digest: img.manifestDigest, imageId: img.imageId };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
