// The host's port-forwards: each listens on 127.0.0.1:<localPort> and carries every accepted
// connection to a pod's port through the profile's API server (port-forward-tunnel.ts). They
// live as long as the host; every change is broadcast as a 'port-forwards' HostEvent.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import type { EventHub } from '../http/event-hub';
import { HostHttpError } from '../http/http-util';
import { kubeRequest } from '../proxy/kube-request';
import { describeConnectError } from '../proxy/kube-status';
import { createKubeTargets, type KubeTargets } from '../proxy/kube-target';
import { openTunnel, type Tunnel } from './port-forward-tunnel';
import { parseRemotePort, resolvePodTarget, resolveServiceTarget, type ForwardTarget, type KubeGet } from './port-forward-resolve';
import { ExecConsentRequired, ProfileUnavailable, type ProfileRegistry } from '../profiles/profiles';
import type { PortForward, PortForwardRequest } from '../protocol';

export interface PortForwards {
  list(): PortForward[];
  /** Validates, resolves the pod and listens; rejects with a HostHttpError a person can act on. */
  start(body: unknown): Promise<PortForward>;
  stop(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface PortForwardsOptions {
  profiles: ProfileRegistry;
  hub?: EventHub;
  targets?: KubeTargets;
  log?: (line: string) => void;
  /** How long a lookup on the API server may take (ms, default 15 s). */
  timeoutMs?: number;
}

interface Entry {
  info: PortForward;
  server: Server;
  tunnels: Set<Tunnel>;
  /** Every accepted connection, also those still waiting for credentials or a pod. */
  sockets: Set<Socket>;
}

export function createPortForwards(o: PortForwardsOptions): PortForwards {
  const log = o.log ?? (() => {});
  const targets = o.targets ?? createKubeTargets();
  const ownTargets = !o.targets;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const entries = new Map<string, Entry>();
  let timer: NodeJS.Timeout | undefined;

  const list = () => [...entries.values()].map((e) => ({ ...e.info }));
  const emitNow = () => {
    clearTimeout(timer);
    timer = undefined;
    o.hub?.emit({ type: 'port-forwards', forwards: list() });
  };
  // Connections come and go in bursts (a page load opens several): one event per burst.
  const emitSoon = () => {
    timer ??= setTimeout(emitNow, 150);
  };

  function kubeConfigOf(profile: string): KubeConfig {
    const p = o.profiles.get(profile);
    if (!p) throw new HostHttpError(404, `profile "${profile}" does not exist`, 'list them with GET /api/profiles');
    try {
      return p.kubeConfig();
    } catch (err) {
      if (err instanceof ExecConsentRequired) throw new HostHttpError(409, err.message, 'allow the command first, then forward again');
      if (err instanceof ProfileUnavailable) throw new HostHttpError(409, err.message, 'start the cluster (or fix the kubeconfig) first');
      throw err;
    }
  }

  async function target(profile: string, keepAlive: boolean) {
    const kc = kubeConfigOf(profile);
    try {
      return await withTimeout(targets.resolve(kc, { keepAlive }), timeoutMs * 4, 'preparing the credentials');
    } catch (err) {
      throw new HostHttpError(
        503,
        `cannot use the credentials of profile "${profile}": ${(err as Error).message.split('\n')[0]}`,
        'check the profile (its check shows why)',
      );
    }
  }

  function getter(profile: string): KubeGet {
    return async (path) => {
      const t = await target(profile, true);
      let r;
      try {
        r = await kubeRequest(t, path, timeoutMs);
      } catch (err) {
        throw new HostHttpError(
          503,
          `cannot reach the API server of profile "${profile}" (${t.server.origin}): ${describeConnectError(err, t.server)}`,
          'check that the cluster is running',
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(r.text);
      } catch {
        body = undefined;
      }
      return { status: r.status, body };
    };
  }

  const resolve = (req: PortForwardRequest, avoid?: string): Promise<ForwardTarget> =>
    req.kind === 'pod'
      ? resolvePodTarget(getter(req.profile), req.namespace, req.name, req.remotePort)
      : resolveServiceTarget(getter(req.profile), req.namespace, req.name, req.remotePort, avoid);

  function connect(e: Entry, sock: Socket, retried = false): void {
    const f = e.info;
    const fail = (message: string) => {
      f.error = message;
      f.errorAt = new Date().toISOString();
      log(`host: port-forward ${f.id} (${f.kind}/${f.name}): ${message}`);
    };
    sock.pause();
    target(f.profile, false).then(
      (t) => {
        if (sock.destroyed || !entries.has(f.id)) return void sock.destroy();
        let retry = false;
        const tunnel = openTunnel(sock, {
          target: t,
          namespace: f.namespace,
          pod: f.pod,
          port: f.podPort,
          onRefused(status, message) {
            // A service's pod went away: pick another one behind it and try once more.
            if (f.kind === 'service' && !retried && (status === 404 || status === 400)) return (retry = true);
            fail(`pod "${f.pod}" refused the forward (HTTP ${status}): ${message}`);
            return false;
          },
          onError: fail,
          onFlowing() {
            // It works again: the last failure no longer describes this forward.
            if (f.error === undefined) return;
            delete f.error;
            delete f.errorAt;
            emitSoon();
          },
          onClose() {
            e.tunnels.delete(tunnel);
            f.connections = e.tunnels.size;
            emitSoon();
            if (retry) reresolve(e, sock, fail);
          },
        });
        e.tunnels.add(tunnel);
        f.connections = e.tunnels.size;
        emitSoon();
      },
      (err) => {
        fail((err as Error).message);
        sock.destroy();
        emitSoon();
      },
    );
  }

  function reresolve(e: Entry, sock: Socket, fail: (message: string) => void): void {
    const f = e.info;
    resolve(f, f.pod).then(
      (next) => {
        if (next.pod !== f.pod || next.podPort !== f.podPort) log(`host: port-forward ${f.id}: now to pod ${next.pod}:${next.podPort}`);
        f.pod = next.pod;
        f.podPort = next.podPort;
        emitSoon();
        connect(e, sock, true);
      },
      (err) => {
        fail((err as Error).message);
        sock.destroy();
        emitSoon();
      },
    );
  }

  async function listen(server: Server, port: number): Promise<number> {
    await new Promise<void>((ok, bad) => {
      server.once('error', bad);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', bad);
        ok();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        throw new HostHttpError(
          409,
          `local port ${port} on 127.0.0.1 is already in use`,
          'choose another local port, or leave it on "auto" for a free one',
        );
      if (err.code === 'EACCES')
        throw new HostHttpError(
          409,
          `not allowed to listen on local port ${port}`,
          'ports below 1024 need administrator rights: choose a port above 1024, or "auto"',
        );
      throw new HostHttpError(500, `cannot listen on local port ${port}: ${err.message}`, 'choose another local port, or "auto"');
    });
    return (server.address() as { port: number }).port;
  }

  return {
    list,
    async start(body) {
      const req = parseRequest(body);
      const resolved = await resolve(req);
      const server = createServer({ allowHalfOpen: true });
      const localPort = await listen(server, req.localPort ?? 0);
      const id = `pf-${randomBytes(5).toString('hex')}`;
      const e: Entry = {
        server,
        tunnels: new Set(),
        sockets: new Set(),
        info: {
          id,
          profile: req.profile,
          namespace: req.namespace,
          kind: req.kind,
          name: req.name,
          pod: resolved.pod,
          remotePort: req.remotePort,
          podPort: resolved.podPort,
          localPort,
          url: `http://127.0.0.1:${localPort}`,
          state: 'active',
          connections: 0,
          startedAt: new Date().toISOString(),
        },
      };
      entries.set(id, e);
      server.on('connection', (sock) => {
        e.sockets.add(sock);
        sock.on('close', () => e.sockets.delete(sock));
        connect(e, sock);
      });
      server.on('error', (err) => log(`host: port-forward ${id} listener: ${err.message}`));
      log(
        `host: port-forward ${id}: 127.0.0.1:${localPort} -> ${req.kind}/${req.namespace}/${req.name} (pod ${resolved.pod}:${resolved.podPort})`,
      );
      emitNow();
      return { ...e.info };
    },
    async stop(id) {
      const e = entries.get(id);
      if (!e) throw new HostHttpError(404, `port-forward "${id}" does not exist`, 'list them with GET /api/port-forwards');
      entries.delete(id);
      e.info.state = 'stopped';
      await stopEntry(e);
      emitNow();
    },
    async close() {
      clearTimeout(timer);
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map(stopEntry));
      if (ownTargets) targets.close();
    },
  };
}

function stopEntry(e: Entry): Promise<void> {
  for (const t of [...e.tunnels]) t.close();
  e.tunnels.clear();
  for (const s of e.sockets) s.destroy();
  e.sockets.clear();
  return new Promise((r) => e.server.close(() => r()));
}

function parseRequest(body: unknown): PortForwardRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HostHttpError(
      400,
      'the body must be a JSON object',
      'send {profile, namespace, kind: "pod" | "service", name, remotePort, localPort?}',
    );
  }
  const b = body as Record<string, unknown>;
  const str = (k: string) => {
    const v = b[k];
    if (typeof v !== 'string' || !v.trim())
      throw new HostHttpError(
        400,
        `"${k}" is missing or not a string`,
        'send {profile, namespace, kind: "pod" | "service", name, remotePort, localPort?}',
      );
    return v.trim();
  };
  const kind = b.kind;
  if (kind !== 'pod' && kind !== 'service')
    throw new HostHttpError(400, `"kind" must be "pod" or "service", not ${JSON.stringify(kind)}`, 'forward to a pod or to a service');
  const req: PortForwardRequest = {
    profile: str('profile'),
    namespace: str('namespace'),
    kind,
    name: str('name'),
    remotePort: parseRemotePort(b.remotePort),
  };
  const lp = b.localPort;
  if (lp !== undefined && lp !== null && lp !== '' && lp !== 0) {
    const n = typeof lp === 'string' && /^\d+$/.test(lp) ? Number(lp) : lp;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      throw new HostHttpError(
        400,
        `local port ${JSON.stringify(lp)} is not a port number`,
        'use a number from 1024 to 65535, or leave it empty for a free port',
      );
    }
    req.localPort = n;
  }
  return req;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}
