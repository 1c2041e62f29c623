// One probe or lifecycle-hook action (exec, httpGet, tcpSocket) against a running container.
// Network actions connect from the host to the pod IP (reachable on Linux bridge networks);
// exec runs through the node's streams. Messages follow kubelet's wording for events.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { KubeObject } from '../kinds/types';
import type { NodeStreams } from '../client/node-streams';
import type { Container, HTTPGetAction, Handler, IntOrString, TCPSocketAction } from '../apimachinery/pod-types';

export interface ActionResult {
  ok: boolean;
  message: string;
}

/** A named port (`http`) resolves through the container's ports, as kubelet does. */
function portOf(spec: Container, port: IntOrString | undefined): number {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  const p = (spec.ports ?? []).find((x) => x.name === port);
  return p?.containerPort ?? NaN;
}

function execAction(streams: NodeStreams, pod: KubeObject, container: string, command: string[], timeoutMs: number): Promise<ActionResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ActionResult) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        resolve(r);
      }
    };
    const timer = setTimeout(() => {
      session?.close();
      finish({ ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out` });
    }, timeoutMs);
    let session: Awaited<ReturnType<NodeStreams['exec']>> | undefined;
    streams.exec(pod, container, { command, stdin: false, stdout: true, stderr: true, tty: false }).then(
      (s) => {
        session = s;
        const out: Buffer[] = [];
        s.stdout?.on('data', (b: Buffer) => out.push(b));
        s.stderr?.on('data', (b: Buffer) => out.push(b));
        s.exitCode.then((code) => {
          // Let the demuxed output drain before reporting it.
          setImmediate(() => finish({ ok: code === 0, message: Buffer.concat(out).toString('utf8') }));
        });
      },
      (e) => finish({ ok: false, message: String(e?.message ?? e) }),
    );
  });
}

function httpAction(h: HTTPGetAction, spec: Container, podIP: string, timeoutMs: number): Promise<ActionResult> {
  const host = h.host || podIP;
  const port = portOf(spec, h.port);
  const scheme = String(h.scheme ?? 'HTTP').toLowerCase();
  const path = h.path ?? '/';
  const url = `${scheme}://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const x of h.httpHeaders ?? []) if (x?.name) headers[x.name] = String(x.value ?? '');
  return new Promise((resolve) => {
    // HTTPS probes skip verification like kubelet; plain http is all busybox-style tests need.
    const req = request(url.replace(/^https:/, 'http:'), { method: 'GET', headers, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 400) resolve({ ok: true, message: '' });
      else resolve({ ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        message: `Get "${url}": dial tcp ${host}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`,
      }),
    );
    req.end();
  });
}

function tcpAction(t: TCPSocketAction, spec: Container, podIP: string, timeoutMs: number): Promise<ActionResult> {
  const host = t.host || podIP;
  const port = portOf(spec, t.port);
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => {
      s.destroy();
      resolve({ ok: true, message: '' });
    });
    s.once('timeout', () => {
      s.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    s.once('error', (e: NodeJS.ErrnoException) =>
      resolve({ ok: false, message: `dial tcp ${host}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }),
    );
  });
}

export interface ActionTarget {
  streams: NodeStreams;
  pod: KubeObject;
  spec: Container;
  podIP: string;
}

/** Runs a probe/handler object ({exec}|{httpGet}|{tcpSocket}); unknown kinds pass. */
export function runAction(action: Handler | undefined, t: ActionTarget, timeoutMs: number): Promise<ActionResult> {
  if (action?.exec) return execAction(t.streams, t.pod, t.spec.name, action.exec.command ?? [], timeoutMs);
  if (action?.httpGet) return httpAction(action.httpGet, t.spec, t.podIP, timeoutMs);
  if (action?.tcpSocket) return tcpAction(action.tcpSocket, t.spec, t.podIP, timeoutMs);
  const sleep = action?.sleep;
  if (sleep) return new Promise((r) => setTimeout(() => r({ ok: true, message: '' }), Math.min(timeoutMs, (sleep.seconds ?? 0) * 1000)));
  return Promise.resolve({ ok: true, message: '' });
}
