// NodeStreams of a node on another machine: the API server's side of the node agent's
// authenticated endpoint (as kube-apiserver reaches a kubelet on :10250). Mutual TLS: the API
// server presents its kubelet-client certificate (cluster CA); the agent's self-signed serving
// certificate is pinned by the SHA-256 fingerprint its Node publishes (only that node, or an
// administrator, may write its Node). Logs are a plain HTTP response; exec, attach and
// port-forward upgrade the connection: port-forward to raw bytes, exec/attach to frames of
// [channel u8][length u32][bytes] (0 stdin, 1 stdout, 2 stderr, 3 exit status JSON, 4 resize JSON, 5 stdin closed).
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../kinds/types';
import type { ExecOptions, ExecSession, LogOptions, NodeStreams } from './node-streams';

export const AGENT_ENDPOINT_ANNOTATION = 'skiff.dev/agent-endpoint';
export const AGENT_CERT_ANNOTATION = 'skiff.dev/agent-cert-sha256';
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
export const CH = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, stdinClosed: 5 } as const;

export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const head = Buffer.alloc(5);
  head[0] = channel;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Calls `onFrame` for each whole frame arriving on `stream`. */
export function readFrames(stream: Readable, onFrame: (channel: number, data: Buffer) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      onFrame(buf[0], buf.subarray(5, 5 + len));
      buf = buf.subarray(5 + len);
    }
  });
}

export interface RemoteNodeOptions {
  host: string;
  port: number;
  /** The agent's serving certificate's SHA-256 fingerprint, as Node prints it (AA:BB:...). */
  fingerprint: string;
  clientCert: string;
  clientKey: string;
}

export function createRemoteNodeStreams(o: RemoteNodeOptions): NodeStreams {
  const podQuery = (pod: KubeObject, container: string, extra: Record<string, unknown>) =>
    new URLSearchParams({
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
      container,
      options: JSON.stringify(extra),
    }).toString();

  const open = (path: string, upgrade: boolean) => openAgent(o, path, { upgrade });

  async function session(kind: 'exec' | 'attach', pod: KubeObject, container: string, opts: Partial<ExecOptions>): Promise<ExecSession> {
    const { socket } = await open(`/${kind}?${podQuery(pod, container, opts)}`, true);
    const s = socket!;
    const stdout = new PassThrough();
    const stderr = opts.tty ? undefined : new PassThrough();
    let settle!: (code: number) => void;
    const exitCode = new Promise<number>((r) => (settle = r));
    readFrames(s, (ch, data) => {
      if (ch === CH.stdout) stdout.write(data);
      else if (ch === CH.stderr) stderr?.write(data);
      else if (ch === CH.status) settle((JSON.parse(data.toString()) as { exitCode?: number }).exitCode ?? 0);
    });
    s.on('close', () => {
      stdout.end();
      stderr?.end();
      settle(0);
    });
    s.on('error', () => s.destroy());
    const stdin = opts.stdin ? new PassThrough() : undefined;
    stdin?.on('data', (d: Buffer) => s.write(frame(CH.stdin, d)));
    stdin?.on('end', () => s.write(frame(CH.stdinClosed, '')));
    return {
      stdin,
      stdout,
      stderr,
      exitCode,
      resize: (width, height) => void s.write(frame(CH.resize, JSON.stringify({ width, height }))),
      close: () => s.destroy(),
    };
  }

  return {
    async logs(pod, container, opts: LogOptions) {
      const { res } = await open(`/logs?${podQuery(pod, container, { ...opts, since: opts.since?.toISOString() })}`, false);
      return res!;
    },
    exec: (pod, container, opts) => session('exec', pod, container, opts),
    attach: (pod, container, opts) => session('attach', pod, container, opts),
    async portForward(pod, port) {
      const { socket } = await open(`/portforward?${podQuery(pod, '', { port })}`, true);
      return socket!;
    },
  };
}

/** One request to the node agent (pinned, mutual TLS); a body is sent as JSON. */
function openAgent(
  o: RemoteNodeOptions,
  path: string,
  r: { upgrade?: boolean; method?: string; body?: unknown },
): Promise<{ res?: IncomingMessage; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
    const req = request({
      host: o.host,
      port: o.port,
      path,
      method: r.method ?? 'GET',
      agent: false,
      cert: o.clientCert,
      key: o.clientKey,
      rejectUnauthorized: false, // the pin below is the check
      headers: {
        ...(r.upgrade ? { Connection: 'Upgrade', Upgrade: 'skiff-stream' } : {}),
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
      },
    });
    // Nothing is sent (not even the request line) before the agent's certificate matches the pin.
    req.on('socket', (s) =>
      s.once('secureConnect', () => {
        const fp = (s as TLSSocket).getPeerCertificate()?.fingerprint256;
        if (fp !== o.fingerprint) req.destroy(new Error(`node agent at ${o.host}:${o.port} presented an unexpected certificate`));
        else req.end(payload);
      }),
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`node agent at ${o.host}:${o.port} did not answer within 10 s`)));
    req.on('upgrade', (res, socket, head) => {
      req.setTimeout(0);
      if (head.length) socket.unshift(head);
      resolve({ res, socket });
    });
    req.on('response', (res) => {
      req.setTimeout(0);
      if ((res.statusCode ?? 0) >= 300) {
        let t = '';
        res.on('data', (c) => (t += c));
        res.on('end', () =>
          reject(Object.assign(new Error(messageOf(t) || `node agent answered ${res.statusCode}`), { code: res.statusCode })),
        );
        return;
      }
      resolve({ res });
    });
    req.on('error', (e) => reject(new Error(`cannot reach the node agent at ${o.host}:${o.port}: ${e.message}`)));
  });
}

/** A JSON call to the node agent's endpoint (usage figures, the network credentials); resolves with its parsed answer. */
export async function callNodeAgent(o: RemoteNodeOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const { res } = await openAgent(o, path, { method, body });
  let text = '';
  for await (const chunk of res!) text += String(chunk);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function messageOf(text: string): string {
  try {
    return String((JSON.parse(text) as { message?: string }).message ?? '');
  } catch {
    return text.slice(0, 200);
  }
}
