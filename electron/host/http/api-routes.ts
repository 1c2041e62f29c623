// The JSON API under /api/ (paths in protocol.ts): app info, profiles, clusters and events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClusterManager } from '../clusters/cluster-manager';
import type { EventHub } from './event-hub';
import { createEventStreams } from './event-stream';
import { HostHttpError, readJsonBody, sendHostError, sendJson } from './http-util';
import type { KubeconfigProfiles } from '../profiles/kubeconfig-profiles';
import type { KubeTargets } from '../proxy/kube-target';
import { LOCAL_TERMINAL_PATH, type LocalTerminals } from '../terminals/local-terminal';
import { createPortForwardRoutes } from '../port-forward/port-forward-routes';
import type { PortForwards } from '../port-forward/port-forwards';
import { createProfileRoutes } from '../profiles/profile-routes';
import type { ProfileRegistry } from '../profiles/profiles';
import type { AppInfo, HostEvent, LocalCluster } from '../protocol';
import type { WorkspaceFile } from '../workspace/workspace-file';
import type { HelmActions } from '../helm/helm-actions';
import { createJoinCommand } from '../clusters/join-command';
import type { AppSettingsFile } from '../clusters/app-settings';

export interface ApiRoutes {
  /** A request under /api/ (the caller has checked the session). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** A WebSocket upgrade under /api/ (local terminals; the caller has checked the session). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export interface ApiRoutesOptions {
  clusters: ClusterManager;
  profiles: ProfileRegistry;
  hub: EventHub;
  appInfo: () => Promise<AppInfo>;
  /** Kubeconfig profiles: sources, checks, consent, namespaces (paths in protocol.ts). */
  kubeconfigs?: KubeconfigProfiles;
  /** For checks of local profiles. */
  targets?: KubeTargets;
  log?: (line: string) => void;
  pingMs?: number;
  /** /api/port-forwards */
  portForwards?: PortForwards;
  /** /api/terminals/local */
  terminals?: LocalTerminals;
  /** /api/workspace */
  workspace?: WorkspaceFile;
  /** /api/settings */
  settings?: AppSettingsFile;
  /** /api/helm */
  helm?: HelmActions;
  /** Where local clusters live (for "Add a machine"), and the environment commands see. */
  dataDir?: string;
  env?: Record<string, string | undefined>;
}

export function createApiRoutes(opts: ApiRoutesOptions): ApiRoutes {
  const { clusters, profiles } = opts;
  const log = opts.log ?? (() => {});
  const events = createEventStreams({
    hub: opts.hub,
    pingMs: opts.pingMs,
    initial: (): HostEvent[] => [
      ...clusters.snapshot().map((cluster) => ({ type: 'cluster' as const, cluster })),
      { type: 'profiles', profiles: profiles.list() },
      ...(opts.kubeconfigs ? [{ type: 'profile-sources' as const, sources: opts.kubeconfigs.sources() }] : []),
      ...(opts.portForwards ? [{ type: 'port-forwards' as const, forwards: opts.portForwards.list() }] : []),
    ],
  });
  const profileRoutes =
    opts.kubeconfigs && opts.targets ? createProfileRoutes({ profiles, kubeconfigs: opts.kubeconfigs, targets: opts.targets }) : undefined;
  const forwardRoutes = opts.portForwards ? createPortForwardRoutes(opts.portForwards) : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method)) {
        throw Object.assign(new HostHttpError(405, `${method} is not allowed on ${path}`, `use ${allowed.join(' or ')}`), {
          allow: allowed.join(', '),
        });
      }
    };
    if (path === '/api/app') {
      only('GET');
      return sendJson(res, 200, await opts.appInfo());
    }
    if (path === '/api/profiles') {
      only('GET');
      return sendJson(res, 200, profiles.list());
    }
    if (profileRoutes && (await profileRoutes(req, res, path, only))) return;
    if (forwardRoutes && (await forwardRoutes(req, res, path, only))) return;
    if (path === LOCAL_TERMINAL_PATH) {
      only('GET');
      if (!opts.terminals) throw new HostHttpError(501, 'local terminals are not part of this host', 'start the app with "skiff app"');
      return sendJson(res, 200, await opts.terminals.info(req.url ?? path));
    }
    if (path === '/api/workspace' && opts.workspace) {
      only('GET', 'PUT');
      if (method === 'GET') return sendJson(res, 200, opts.workspace.read());
      return sendJson(res, 200, opts.workspace.write(await readJsonBody(req)));
    }
    if (path === '/api/settings' && opts.settings) {
      only('GET', 'PUT');
      if (method === 'GET') return sendJson(res, 200, opts.settings.read());
      return sendJson(res, 200, opts.settings.write(await readJsonBody(req)));
    }
    if (opts.helm && path === '/api/helm') {
      only('GET');
      return sendJson(res, 200, await opts.helm.info());
    }
    const hm = opts.helm && /^\/api\/helm\/([^/]+)\/(rollback|uninstall|upgrade)$/.exec(path);
    if (opts.helm && hm) {
      only('POST');
      let profile: string;
      try {
        profile = decodeURIComponent(hm[1]);
      } catch {
        throw new HostHttpError(
          400,
          'the profile name in the path is not valid percent-encoding',
          'use the name as listed by GET /api/profiles',
        );
      }
      const body = await readJsonBody(req);
      const h = opts.helm;
      const result =
        hm[2] === 'rollback'
          ? await h.rollback(profile, body)
          : hm[2] === 'upgrade'
            ? await h.upgrade(profile, body)
            : await h.uninstall(profile, body);
      return sendJson(res, 200, result);
    }
    if (path === '/api/events') {
      only('GET');
      return events.handle(req, res);
    }
    if (path === '/api/clusters') {
      only('GET', 'POST');
      if (method === 'GET') return sendJson(res, 200, await clusters.list());
      return sendJson(res, 202, await clusters.start(await readJsonBody(req)));
    }
    const jm = opts.dataDir ? /^\/api\/clusters\/([^/]+)\/join-command$/.exec(path) : null;
    if (jm && opts.dataDir) {
      only('POST');
      let name: string;
      try {
        name = decodeURIComponent(jm[1]);
      } catch {
        throw new HostHttpError(
          400,
          'the cluster name in the path is not valid percent-encoding',
          'use the name as listed by GET /api/clusters',
        );
      }
      // The known state answers at once; a "no" is checked against the disk before it is said.
      const running = (list: LocalCluster[]) => list.some((c) => c.name === name && c.state === 'running');
      if (!running(await clusters.list()) && !running(await clusters.refresh()))
        throw new HostHttpError(409, `cluster "${name}" is not running`, 'start it first');
      return sendJson(res, 200, await createJoinCommand({ dataDir: opts.dataDir, cluster: name }));
    }
    const m = /^\/api\/clusters\/([^/]+)(?:\/(start|stop|restart))?$/.exec(path);
    if (m) {
      let name: string;
      try {
        name = decodeURIComponent(m[1]);
      } catch {
        throw new HostHttpError(
          400,
          'the cluster name in the path is not valid percent-encoding',
          'use the name as listed by GET /api/clusters',
        );
      }
      const action = m[2];
      if (!action) {
        only('GET', 'DELETE');
        if (method === 'GET') {
          const named = (list: LocalCluster[]) => list.find((x) => x.name === name);
          // A cluster the CLI just made is not known yet: look at the disk before a 404.
          const c = named(await clusters.list()) ?? named(await clusters.refresh());
          if (!c) throw new HostHttpError(404, `cluster "${name}" does not exist`, 'list them with GET /api/clusters');
          return sendJson(res, 200, c);
        }
        await clusters.delete(name);
        return sendJson(res, 200, { deleted: name });
      }
      only('POST');
      if (action === 'start') return sendJson(res, 202, await clusters.startExisting(name));
      if (action === 'stop') return sendJson(res, 200, await clusters.stop(name));
      return sendJson(res, 202, await clusters.restart(name));
    }
    throw new HostHttpError(404, `no API at ${path}`, 'see electron/host/protocol.ts for the paths');
  }

  return {
    handle(req, res) {
      route(req, res).catch((err) => {
        if (!(err instanceof HostHttpError)) log(`host: ${req.method} ${req.url} failed: ${(err as Error)?.stack ?? err}`);
        if (res.headersSent) return void res.destroy();
        const allow = (err as { allow?: string }).allow;
        if (allow) res.setHeader('Allow', allow);
        sendHostError(res, err);
      });
    },
    upgrade(req, socket, head) {
      const path = (req.url ?? '/').split('?')[0];
      if (path === LOCAL_TERMINAL_PATH && opts.terminals) return opts.terminals.upgrade(req, socket, head);
      const text = `no WebSocket endpoint at ${path}`;
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    },
    close: () => events.close(),
  };
}
