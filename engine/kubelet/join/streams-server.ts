/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- the request's options are untyped JSON from the API server */
// The node agent's authenticated endpoint for logs, exec, attach and port-forward (what a
// kubelet serves on :10250), spoken by client/remote-node-streams.ts. Only the API server may
// call it: mutual TLS with a client certificate from the cluster CA naming
// kube-apiserver-kubelet-client. Its own certificate is self-signed and pinned by the API server
// through the fingerprint the node publishes on its Node.
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { R, type KubeClient } from '../../client/types';
import type { NodeStreams } from '../../client/node-streams';
import { CH, KUBELET_CLIENT_USER, frame, readFrames } from '../../client/remote-node-streams';
import type { KubeObject } from '../../kinds/types';

export interface StreamsServer {
  port: number;
  /** SHA-256 fingerprint of the serving certificate (AA:BB:..., as Node prints it). */
  fingerprint: string;
  close(): void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startStreamsServer(o: {
  host: string;
  port?: number;
  caCert: string;
  nodeName: string;
  client: KubeClient;
  streams: () => NodeStreams | undefined;
  /** `POST /images/load` (skiff image load): a `docker save` tar into this machine's Docker; resolves with what Docker said. */
  loadImage?: (tar: IncomingMessage) => Promise<string>;
  /** `GET /metrics/usage` (kubectl top through the API server): this node's and its pods' usage, as the kubelet's resource metrics. */
  usage?: () => unknown;
  /** `POST /network/credentials`: what the first machine hands this machine's NetworkPolicy agent (its token and the cluster's addresses). */
  networkCredentials?: (body: unknown) => void;
  log?: (line: string) => void;
}): Promise<StreamsServer> {
  const { createPki } = await import('../../pki/create-pki');
  const own = await createPki({ extraIPs: [o.host] });
  const server: Server = createServer({
    cert: own.serverCert,
    key: own.serverKey,
    ca: o.caCert,
    requestCert: true,
    rejectUnauthorized: true,
  });

  async function target(
    req: IncomingMessage,
  ): Promise<{ pod: KubeObject; container: string; options: Record<string, any>; streams: NodeStreams }> {
    const cn = (req.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
    if (cn !== KUBELET_CLIENT_USER) throw new HttpError(403, `user "${String(cn)}" may not use node ${o.nodeName}'s streams`);
    const q = new URL(req.url ?? '/', 'https://agent').searchParams;
    const pod = await o.client.get(R.pods, q.get('namespace') ?? '', q.get('name') ?? '').catch(() => undefined);
    if (!pod || pod.metadata.uid !== q.get('uid') || pod.spec?.nodeName !== o.nodeName)
      throw new HttpError(404, `pod ${q.get('namespace')}/${q.get('name')} is not on node ${o.nodeName}`);
    const streams = o.streams();
    if (!streams) throw new HttpError(503, `node ${o.nodeName}'s runtime is not running`);
    return { pod, container: q.get('container') ?? '', options: JSON.parse(q.get('options') ?? '{}') as Record<string, any>, streams };
  }

  const fromApiServer = (req: IncomingMessage, what: string) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
    if (cn !== KUBELET_CLIENT_USER) throw new HttpError(403, `user "${String(cn)}" may not ${what} on node ${o.nodeName}`);
  };
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  server.on('request', (req, res) => {
    void (async () => {
      try {
        if (req.method === 'GET' && req.url === '/metrics/usage' && o.usage) {
          fromApiServer(req, 'read usage');
          return json(res, o.usage());
        }
        if (req.method === 'POST' && req.url === '/network/credentials' && o.networkCredentials) {
          fromApiServer(req, 'hand network credentials');
          const body = await readBody(req, 64 * 1024);
          try {
            o.networkCredentials(JSON.parse(body) as unknown);
          } catch (e) {
            throw new HttpError(400, (e as Error).message);
          }
          return json(res, {});
        }
        if (req.method === 'POST' && req.url === '/images/load' && o.loadImage) {
          fromApiServer(req, 'load images');
          const said = await o.loadImage(req);
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: said }));
          return;
        }
        if (!req.url?.startsWith('/logs?')) throw new HttpError(404, 'not found');
        const t = await target(req);
        const opts = { ...t.options, since: t.options.since ? new Date(t.options.since as string) : undefined };
        const body = await t.streams.logs(t.pod, t.container, opts);
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        body.pipe(res);
        res.on('close', () => body.destroy());
      } catch (e) {
        const status = e instanceof HttpError ? e.status : 500;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: (e as Error).message }));
      }
    })();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      try {
        const kind = /^\/(exec|attach|portforward)\?/.exec(req.url ?? '')?.[1];
        if (!kind) throw new HttpError(404, 'not found');
        const t = await target(req);
        if (kind === 'portforward') {
          const conn = await t.streams.portForward(t.pod, Number(t.options.port));
          switchProtocols(socket);
          conn.on('error', () => socket.destroy());
          socket.pipe(conn).pipe(socket);
          return;
        }
        const opts = { command: [], stdin: false, stdout: true, stderr: true, tty: false, ...t.options };
        const s = kind === 'exec' ? await t.streams.exec(t.pod, t.container, opts) : await t.streams.attach(t.pod, t.container, opts);
        switchProtocols(socket);
        readFrames(socket, (ch, data) => {
          if (ch === CH.stdin) s.stdin?.write(data);
          else if (ch === CH.stdinClosed) s.stdin?.end();
          else if (ch === CH.resize) {
            const r = JSON.parse(data.toString()) as { width: number; height: number };
            s.resize(r.width, r.height);
          }
        });
        const ended = (r?: NodeJS.ReadableStream) =>
          r ? new Promise<void>((ok) => (r.on('end', ok), r.on('close', ok))) : Promise.resolve();
        s.stdout?.on('data', (d: Buffer) => socket.write(frame(CH.stdout, d)));
        s.stderr?.on('data', (d: Buffer) => socket.write(frame(CH.stderr, d)));
        socket.on('close', () => s.close());
        const code = await s.exitCode;
        await Promise.race([Promise.all([ended(s.stdout), ended(s.stderr)]), new Promise((r) => setTimeout(r, 1000))]);
        socket.end(frame(CH.status, JSON.stringify({ exitCode: code })));
      } catch (e) {
        const status = e instanceof HttpError ? e.status : 500;
        const body = JSON.stringify({ message: (e as Error).message });
        socket.end(
          `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    fingerprint: new X509Certificate(own.serverCert).fingerprint256,
    close: () => server.close(),
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > limit) throw new HttpError(413, 'request body too large');
  }
  return text;
}

function switchProtocols(socket: Duplex) {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: skiff-stream\r\n\r\n');
}
