// The contract between the renderer and the host: host API paths, their bodies and the
// events the host streams. The renderer imports this file as types only.
//
// Every request carries the session cookie and the X-Skiff-Session header (WebSockets: the
// subprotocol skiff-session.<secret>); see session.ts. Paths:
//   POST   /api/session    {token} -> { secret }   the launch token, once, for the session secret
//   GET    /api/app                         -> AppInfo
//   GET    /api/profiles                    -> ProfileSummary[]
//   GET    /api/clusters                    -> LocalCluster[]
//   POST   /api/clusters                    StartClusterRequest -> 202 LocalCluster (progress follows as events)
//   POST   /api/clusters/<name>/start       -> 202 LocalCluster (start an existing, stopped cluster)
//   POST   /api/clusters/<name>/stop        -> 200 LocalCluster
//   POST   /api/clusters/<name>/restart     -> 202 LocalCluster
//   DELETE /api/clusters/<name>             -> 200 { deleted: name }
//   POST   /api/clusters/<name>/join-command -> 200 JoinCommand (a new bootstrap token, as `skiff token create --print-join-command`)
//   GET    /api/events                      text/event-stream of HostEvent (one JSON per `data:` line)
// Kubeconfig profiles (one per context of the user's kubeconfig files; see ProfileSource):
//   GET    /api/profile-sources             -> ProfileSource[] (files and folders read, with their problems)
//   POST   /api/profile-sources             AddProfileSourceRequest -> 201 ProfileSource ({path}: by reference,
//                                           watched; {path, copy: true}: copied into Skiff; {text}: pasted;
//                                           {default: true}: the user's default kubeconfig again)
//   DELETE /api/profile-sources/<id>        -> 200 { removed: id } (never touches the user's files)
//   DELETE /api/profiles/<name>             -> 200 RemoveProfileResult (hides one context, or removes its source)
//   POST   /api/profiles/<name>/check       -> 200 ProfileCheck (ok false with a precise reason when it fails)
//   POST   /api/profiles/<name>/consent     ExecConsentRequest -> 200 ProfileSummary (409 when the command, files or target changed)
//   DELETE /api/profiles/<name>/consent     -> 200 ProfileSummary (consent withdrawn)
//   GET    /api/profiles/<name>/namespaces  -> ProfileNamespaces (the cluster's, or the allow-list when listing is forbidden)
//   PUT    /api/profiles/<name>/namespaces  SetNamespacesRequest -> 200 ProfileSummary
//   GET    /api/profiles/<name>/kubeconfig  -> application/yaml: a kubeconfig for that profile only, credentials inlined
// Port-forwards (live as long as the host; a 'port-forwards' event follows every change):
//   GET    /api/port-forwards               -> PortForward[]
//   POST   /api/port-forwards               PortForwardRequest -> 201 PortForward (409 when the local port is taken)
//   DELETE /api/port-forwards/<id>          -> 200 { stopped: id }
// Local terminals (node-pty; 501 when its native module did not load):
//   GET    /api/terminals/local?profile=<name>  -> LocalTerminalInfo (whether a terminal can start, and why not)
//   WS     /api/terminals/local?profile=<name>&cols=<n>&rows=<n>  the user's shell with KUBECONFIG set to a
//                                           0600 temp file holding only that profile; binary frames carry
//                                           terminal bytes both ways, text frames JSON TerminalControl (to
//                                           the host) and TerminalEvent (from the host).
// The app's workspace (kept per data dir across reloads and app restarts):
//   GET    /api/workspace                   -> Workspace ({version: 1} when none was saved)
//   PUT    /api/workspace                   Workspace -> 200 Workspace (as saved, with savedAt)
// The app's settings (<data dir>/app-settings.json; a PUT changes only the keys it names):
//   GET    /api/settings                    -> AppSettings
//   PUT    /api/settings                    Partial<AppSettings> -> 200 AppSettings (400: unknown key or wrong type)
// Helm (through the helm binary on PATH; without one the releases view is read-only):
//   GET    /api/helm                        -> HelmInfo
//   POST   /api/helm/<profile>/rollback     {namespace, release, revision} -> 200 HelmActionResult (409: helm's error)
//   POST   /api/helm/<profile>/uninstall    {namespace, release} -> 200 HelmActionResult
//   POST   /api/helm/<profile>/upgrade      {namespace, release, values: YAML text} -> 200 HelmActionResult (the chart
//                                           from the release's newest record; these values replace the old ones)
// <name> and <id> are percent-encoded path segments (context names may hold '/' or ':').
//   *      /k8s/<profile>/<kubernetes path> proxied to that profile's API server with its
//                                           credentials; watches stream, WebSocket upgrades
//                                           (exec/attach/port-forward) pass through.
// Errors from /api/* are JSON HostError with a 4xx/5xx status; errors from /k8s/* are the
// cluster's own Kubernetes Status objects (or a Status made by the host when the cluster
// cannot be reached: reason "ServiceUnavailable", code 503).

export type RuntimeChoice = 'docker' | 'simulated';

export interface AppInfo {
  version: string;
  mode: 'web' | 'electron';
  dataDir: string;
  docker: { available: boolean; version?: string; hint?: string };
  /** Image the Create templates use (tests point it at a local image). */
  defaultImage: string;
}

export type ClusterState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export interface ProgressStep {
  /** certificates | store | apiserver | controllers | node:<name> | kubeconfig */
  id: string;
  label: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  detail?: string;
  ms?: number;
}

export interface LocalCluster {
  name: string;
  /** The profile that reaches it (also its kubeconfig context name): skiff-<name>. */
  profile: string;
  state: ClusterState;
  url?: string;
  /**
   * During a start: the API server answers (the nodes may not be Ready yet). The app shows the
   * overview from here, where the node turns Ready live, instead of after the start's last step.
   */
  apiReady?: boolean;
  nodes?: number;
  runtime?: RuntimeChoice;
  /** Steps of the current or last start, in order. */
  steps: ProgressStep[];
  /** 0..1 */
  progress: number;
  error?: string;
  /** The failure is the cluster process dying while it ran (kill -9, a crash), not a failed start. */
  crashed?: boolean;
  /** Kubeconfig files outside its data dir holding its context (written by `skiff start`); delete cleans them. */
  kubeconfigs?: string[];
  /** The built-in ingress's 127.0.0.1 ports (cluster.json; Docker clusters): the app links Ingresses and HTTPRoutes with them. */
  ingress?: { http?: number; https?: number };
}

/** "Add a machine": the command to run on the other machine, with its token's expiry. */
export interface JoinCommand {
  command: string;
  tokenId: string;
  /** RFC 3339; absent when the token never expires. */
  expires?: string;
  /** Set when the cluster listens on loopback only, so no other machine can reach it. */
  warning?: string;
}

export interface StartClusterRequest {
  name?: string;
  nodes?: number;
  runtime?: RuntimeChoice;
}

export interface ProfileSummary {
  name: string;
  source: 'local' | 'kubeconfig';
  /** For local profiles: the cluster's name. */
  cluster?: string;
  server?: string;
  namespace?: string;
  status: 'ready' | 'stopped' | 'starting' | 'unreachable' | 'unknown';
  reason?: string;
  /** Simulated-node clusters are labelled as such in the UI. */
  simulated?: boolean;
  // Kubeconfig profiles only (source 'kubeconfig'):
  /** The ProfileSource it comes from. */
  sourceId?: string;
  /** The kubeconfig file holding its context. */
  file?: string;
  /** The context's name in that file (differs from `name` for duplicates). */
  context?: string;
  /** Set when another profile already has this context name: this one is `<context>@<file basename>`. */
  duplicateOf?: string;
  /** Why the profile cannot be used (missing cluster or user, unreadable certificate file, ...); status is 'unknown'. */
  error?: string;
  /** The command its credentials run, and whether the user allowed it. Nothing runs before consent. */
  exec?: ExecCommand & { consented: boolean };
  /**
   * Everything the consent covers, set whenever one is needed (a command to run, or credential
   * files outside an imported kubeconfig's folder): nothing runs or is read before it.
   */
  consent?: { files: ConsentFile[]; target: ConsentTarget; consented: boolean };
  /** Namespaces to offer when the user may not list namespaces (PUT .../namespaces). */
  allowedNamespaces?: string[];
  /** From the last check. */
  serverVersion?: string;
  nodeCount?: number;
  checkedAt?: string;
}

/** A command a profile's credentials run (exec plugin, or an auth-provider's cmd-path). */
export interface ExecCommand {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  /** 'exec': users[].user.exec; 'auth-provider': gcp/azure cmd-path, run through a shell. */
  via: 'exec' | 'auth-provider';
  /** The kubeconfig's installHint, shown when the command is not found. */
  installHint?: string;
}

/** A credential file an imported kubeconfig reads from outside its own folder. */
export interface ConsentFile {
  field: 'token-file' | 'client-certificate' | 'client-key';
  path: string;
}

/** Where a profile's credentials are sent; a consent holds for this target only. */
export interface ConsentTarget {
  server: string;
  /** 'sha256:<hex>' of the CA, 'system roots', 'not verified' (insecure-skip-tls-verify) or 'plain http'. */
  ca: string;
  tlsServerName?: string;
  proxyUrl?: string;
  /**
   * For showing only (not what a consent is bound to, which is `ca`): each certificate of the
   * CA bundle, with its SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it.
   */
  caCertificates?: CaCertificate[];
}

export interface CaCertificate {
  subject: string;
  /** 'AB:CD:…' over the certificate's DER bytes. */
  sha256: string;
  notAfter: string;
}

/**
 * The body of POST /api/profiles/<name>/consent: what the user was shown. command/args/env are
 * required when the profile runs a command; target and files, when sent, must equal what the
 * profile would use now (409 otherwise), so a kubeconfig edited after it was shown is not allowed.
 */
export interface ExecConsentRequest {
  command?: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  target?: ConsentTarget;
  files?: ConsentFile[];
}

export type ProfileSourceKind = 'default' | 'file' | 'dir' | 'copy' | 'paste';

export interface SourceProblem {
  file: string;
  context?: string;
  problem: string;
}

export interface ProfileSource {
  id: string;
  kind: ProfileSourceKind;
  /** default: $KUBECONFIG or ~/.kube/config; file/dir: the path imported; copy: the original's path. */
  label: string;
  /** The files read (in merge order for 'default'). */
  paths: string[];
  /** Read by reference and watched (default, file, dir); copies and pasted text live in Skiff's data dir. */
  watched: boolean;
  /** Stored by Skiff, encrypted at rest (copy, paste). */
  encrypted: boolean;
  addedAt?: string;
  /** Names of the profiles it gives. */
  profiles: string[];
  /** Contexts hidden with DELETE /api/profiles/<name> (re-importing the path shows them again). */
  hidden: string[];
  /** Bad YAML, unreadable files, contexts that cannot be used: the file and the problem. */
  errors: SourceProblem[];
  /** Things worth knowing that are not errors (e.g. a context shown as the local cluster's profile). */
  notes: SourceProblem[];
}

export type AddProfileSourceRequest = { path: string; copy?: boolean } | { text: string; label?: string } | { default: true };

export interface RemoveProfileResult {
  /** 'hidden': the context is no longer listed (its file has others); 'source': the whole source went. */
  removed: 'hidden' | 'source';
  source: string;
}

export interface ProfileNamespaces {
  profile: string;
  namespaces: string[];
  /** 'cluster': listed from the cluster; 'allow-list': listing is forbidden, so the context's namespace plus the allow-list. */
  from: 'cluster' | 'allow-list';
  defaultNamespace: string;
  reason?: string;
}

export interface SetNamespacesRequest {
  namespaces: string[];
}

export interface ProfileCheck {
  profile: string;
  ok: boolean;
  status: ProfileSummary['status'];
  /** On failure, precisely why: "connection refused at 127.0.0.1:6443", "certificate signed by unknown authority", ... */
  reason?: string;
  server?: string;
  serverVersion?: string;
  /** Missing when the nodes could not be listed; nodesNote says why (e.g. forbidden). */
  nodeCount?: number;
  nodesNote?: string;
  namespaces?: ProfileNamespaces;
  /** Set when the check stopped because an exec plugin needs consent. */
  exec?: ExecCommand;
  checkedAt: string;
  ms: number;
}

export type HostEvent =
  | { type: 'cluster'; cluster: LocalCluster }
  | { type: 'cluster-deleted'; name: string }
  | { type: 'profiles'; profiles: ProfileSummary[] }
  | { type: 'profile-sources'; sources: ProfileSource[] }
  | { type: 'port-forwards'; forwards: PortForward[] };

/** A dock tab as the renderer describes it (logs, pod shell, local terminal); the host keeps it as is. */
export interface WorkspaceTab {
  id: string;
  type: string;
  title: string;
  profile: string;
  /** A pod shell's last screen lines, shown again above its new session after a restart. */
  scrollback?: string;
  [field: string]: unknown;
}

/** The editor open at the last save: what it edits and the text not applied yet. */
export interface WorkspaceEditor {
  mode: 'create' | 'edit';
  profile: string;
  /** The kind's API resource as discovery described it (edit: the object's). */
  resource?: { group: string; version: string; name: string; kind: string; namespaced: boolean; verbs: string[] };
  namespace?: string;
  name?: string;
  /** The editor's text when it differs from what was opened or last applied. */
  draft?: string;
}

export interface Workspace {
  version: 1;
  /** The app route (the URL fragment without '#'): profile, namespace, kind and object. */
  route?: string;
  dock?: { tabs: WorkspaceTab[]; active?: string };
  editor?: WorkspaceEditor;
  savedAt?: string;
  /** Set on GET when the saved file could not be read (the app then starts afresh). */
  problem?: string;
}

export interface AppSettings {
  /** A local cluster whose process dies unexpectedly is started again (at most 3 times in 10 minutes). */
  restartCrashedClusters: boolean;
}

export type HelmInfo = { available: true; path: string; version?: string } | { available: false; reason: string };

export interface HelmActionResult {
  /** What helm printed. */
  output: string;
}

export interface HostError {
  error: string;
  /** What the user can do about it. */
  hint?: string;
}

export const SESSION_COOKIE = 'skiff_session';
/** Header carrying the session secret on every /api and /k8s request (lower case: Node's key). */
export const SESSION_HEADER = 'x-skiff-session';
/** WebSockets carry the secret as the subprotocol `skiff-session.<secret>`. */
export const SESSION_SUBPROTOCOL_PREFIX = 'skiff-session.';
/** Where the renderer keeps the secret (sessionStorage: this tab, this exact origin). */
export const SESSION_STORAGE_KEY = 'skiff.session';
/** Query parameter of the launch URL carrying the one-time token. */
export const LAUNCH_TOKEN_PARAM = 'token';
/** Query parameter of the launch URL carrying the app route to open (`skiff app --open`). */
export const LAUNCH_ROUTE_PARAM = 'route';

/** The body of POST /api/port-forwards. */
export interface PortForwardRequest {
  profile: string;
  namespace: string;
  kind: 'pod' | 'service';
  /** The pod's or the service's name. */
  name: string;
  /** A pod: the container port (number or port name). A service: its port (number or name), like kubectl. */
  remotePort: number | string;
  /** 0 or absent: any free port. */
  localPort?: number;
}

export interface PortForward {
  id: string;
  profile: string;
  namespace: string;
  kind: 'pod' | 'service';
  name: string;
  /** The pod the bytes go to (for a service: the ready pod chosen behind it). */
  pod: string;
  /** As asked (a number or a port name). */
  remotePort: number | string;
  /** The pod's port the connections reach (a service's targetPort, names resolved). */
  podPort: number;
  localPort: number;
  /** http://127.0.0.1:<localPort> */
  url: string;
  state: 'active' | 'stopped';
  /** Connections open now. */
  connections: number;
  /** The last connection's failure (error channel, refused upgrade, unreachable API server). */
  error?: string;
  errorAt?: string;
  startedAt: string;
}

/** GET /api/terminals/local: 200 when a terminal can start (else a HostError with 501/404/409). */
export interface LocalTerminalInfo {
  available: true;
  shell: string;
  profile?: string;
}

/** Text frames the renderer sends on a local terminal's WebSocket. */
export type TerminalControl = { type: 'resize'; cols: number; rows: number };

/** Text frames the host sends on a local terminal's WebSocket. */
export type TerminalEvent = { type: 'exit'; code: number; signal?: number } | { type: 'error'; message: string; hint?: string };
