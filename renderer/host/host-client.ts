// The host's own API (/api/*): app info, local clusters, profiles (kubeconfig sources, checks,
// exec consent, namespace allow-lists, exported kubeconfigs) and the event stream.
import type {
  AddProfileSourceRequest,
  AppInfo,
  AppSettings,
  ExecConsentRequest,
  HostError,
  HostEvent,
  LocalCluster,
  ProfileCheck,
  ProfileNamespaces,
  ProfileSource,
  ProfileSummary,
  RemoveProfileResult,
  StartClusterRequest,
  Workspace,
} from '../../electron/host/protocol';
import { fetchRetrying, type FetchFn } from '../k8s/client';

export class HostRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HostRequestError';
  }
}

export interface HostClient {
  app(): Promise<AppInfo>;
  clusters(): Promise<LocalCluster[]>;
  profiles(): Promise<ProfileSummary[]>;
  startCluster(req: StartClusterRequest): Promise<LocalCluster>;
  clusterAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<LocalCluster>;
  deleteCluster(name: string): Promise<void>;
  profileSources(): Promise<ProfileSource[]>;
  addProfileSource(req: AddProfileSourceRequest): Promise<ProfileSource>;
  removeProfileSource(id: string): Promise<void>;
  /** Hides one context (or removes its source when it was the only one); never touches the user's files. */
  removeProfile(name: string): Promise<RemoveProfileResult>;
  checkProfile(name: string): Promise<ProfileCheck>;
  /** Allows the exact command the user was shown (the profile's `exec` field). */
  allowExec(name: string, req: ExecConsentRequest): Promise<ProfileSummary>;
  revokeExec(name: string): Promise<ProfileSummary>;
  profileNamespaces(name: string): Promise<ProfileNamespaces>;
  setAllowedNamespaces(name: string, namespaces: string[]): Promise<ProfileSummary>;
  /** A kubeconfig (YAML) for that profile only. */
  profileKubeconfig(name: string): Promise<string>;
  /** The workspace the host keeps for this data dir (route, dock tabs, editor draft). */
  workspace(): Promise<Workspace>;
  /** keepalive: the page is going away (the request outlives it). */
  saveWorkspace(ws: Workspace, keepalive?: boolean): Promise<void>;
  settings(): Promise<AppSettings>;
  /** Changes the settings named; returns them all as saved. */
  saveSettings(change: Partial<AppSettings>): Promise<AppSettings>;
  /** Follows /api/events; returns a function that closes the stream. */
  subscribe(onEvent: (e: HostEvent) => void, onConnection: (connected: boolean) => void): () => void;
}

export interface EventSourceLike {
  onmessage: ((ev: { data: string }) => void) | null;
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  close(): void;
}

export function hostErrorMessage(status: number, body: unknown, what: string): HostRequestError {
  const e = body as Partial<HostError> | undefined;
  if (e && typeof e === 'object' && typeof e.error === 'string') return new HostRequestError(e.error, status, e.hint);
  if (status === 401 || status === 403) {
    return new HostRequestError(
      `The host refused ${what} (HTTP ${status}).`,
      status,
      'This window\u2019s session is no longer valid: open the app again from its launch URL.',
    );
  }
  const text = typeof body === 'string' && body.trim() ? `: ${body.trim().slice(0, 200)}` : '';
  return new HostRequestError(`${what} failed (HTTP ${status})${text}.`, status);
}

/** /api/profiles/<name>[/<sub>]: names may hold '/' or ':', so they are one encoded segment. */
export const profilePath = (name: string, sub?: string) => `/api/profiles/${encodeURIComponent(name)}${sub ? `/${sub}` : ''}`;

export function createHostClient(deps: {
  fetch: FetchFn;
  eventSource: (url: string) => EventSourceLike;
  origin?: string;
  retryDelays?: number[];
}): HostClient {
  const origin = deps.origin ?? '';

  async function call<T>(method: string, path: string, body?: unknown, raw = false, keepalive = false): Promise<T> {
    const what = `${method} ${path}`;
    let res: Response;
    try {
      // Only reads are repeated: a repeated start could start a second cluster.
      res = await fetchRetrying(
        deps.fetch,
        origin + path,
        {
          method,
          headers:
            body === undefined
              ? { Accept: raw ? '*/*' : 'application/json' }
              : { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: 'same-origin',
          ...(keepalive ? { keepalive } : {}),
        },
        method === 'GET' ? deps.retryDelays : [],
      );
    } catch (e) {
      throw new HostRequestError(
        `The Skiff host did not answer ${what} (${(e as Error).message}).`,
        0,
        'Is the app still running? Restart it and reload this window.',
      );
    }
    const text = await res.text();
    if (raw && res.ok) return text as T;
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    if (!res.ok) throw hostErrorMessage(res.status, data, what);
    return data as T;
  }

  return {
    app: () => call('GET', '/api/app'),
    clusters: () => call('GET', '/api/clusters'),
    profiles: () => call('GET', '/api/profiles'),
    startCluster: (req) => call('POST', '/api/clusters', req),
    clusterAction: (name, action) => call('POST', `/api/clusters/${encodeURIComponent(name)}/${action}`),
    deleteCluster: async (name) => {
      await call('DELETE', `/api/clusters/${encodeURIComponent(name)}`);
    },
    profileSources: () => call('GET', '/api/profile-sources'),
    addProfileSource: (req) => call('POST', '/api/profile-sources', req),
    removeProfileSource: async (id) => {
      await call('DELETE', `/api/profile-sources/${encodeURIComponent(id)}`);
    },
    removeProfile: (name) => call('DELETE', profilePath(name)),
    checkProfile: (name) => call('POST', profilePath(name, 'check')),
    // Only what the host compares: the command, args and env, the files and the target it showed
    // (not `via`, `consented` or the CA certificates, which are there to be read).
    allowExec: (name, req) =>
      call('POST', profilePath(name, 'consent'), {
        command: req.command,
        args: req.args,
        env: req.env,
        files: req.files?.map((f) => ({ field: f.field, path: f.path })),
        target: req.target && {
          server: req.target.server,
          ca: req.target.ca,
          tlsServerName: req.target.tlsServerName,
          proxyUrl: req.target.proxyUrl,
        },
      }),
    revokeExec: (name) => call('DELETE', profilePath(name, 'consent')),
    profileNamespaces: (name) => call('GET', profilePath(name, 'namespaces')),
    setAllowedNamespaces: (name, namespaces) => call('PUT', profilePath(name, 'namespaces'), { namespaces }),
    profileKubeconfig: (name) => call('GET', profilePath(name, 'kubeconfig'), undefined, true),
    workspace: () => call('GET', '/api/workspace'),
    settings: () => call('GET', '/api/settings'),
    saveSettings: (change) => call('PUT', '/api/settings', change),
    saveWorkspace: async (ws, keepalive = false) => {
      await call('PUT', '/api/workspace', ws, false, keepalive);
    },
    subscribe(onEvent, onConnection) {
      const es = deps.eventSource(origin + '/api/events');
      es.onopen = () => onConnection(true);
      es.onerror = () => onConnection(false); // EventSource reconnects by itself
      es.onmessage = (ev) => {
        try {
          onEvent(JSON.parse(ev.data) as HostEvent);
        } catch {
          /* a malformed event is skipped; the next snapshot corrects the state */
        }
      };
      return () => es.close();
    },
  };
}
