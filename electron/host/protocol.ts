// The contract between the renderer and the host: host API paths, their bodies and the
// events the host streams. The renderer imports this file as types only.
//
// Every request carries the session cookie (see session.ts). Paths:
//   GET    /api/app                         -> AppInfo
//   GET    /api/profiles                    -> ProfileSummary[]
//   GET    /api/clusters                    -> LocalCluster[]
//   POST   /api/clusters                    StartClusterRequest -> 202 LocalCluster (progress follows as events)
//   POST   /api/clusters/<name>/start       -> 202 LocalCluster (start an existing, stopped cluster)
//   POST   /api/clusters/<name>/stop        -> 200 LocalCluster
//   POST   /api/clusters/<name>/restart     -> 202 LocalCluster
//   DELETE /api/clusters/<name>             -> 200 { deleted: name }
//   GET    /api/events                      text/event-stream of HostEvent (one JSON per `data:` line)
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
  nodes?: number;
  runtime?: RuntimeChoice;
  /** Steps of the current or last start, in order. */
  steps: ProgressStep[];
  /** 0..1 */
  progress: number;
  error?: string;
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
}

export type HostEvent =
  | { type: 'cluster'; cluster: LocalCluster }
  | { type: 'cluster-deleted'; name: string }
  | { type: 'profiles'; profiles: ProfileSummary[] };

export interface HostError {
  error: string;
  /** What the user can do about it. */
  hint?: string;
}

export const SESSION_COOKIE = 'skiff_session';
/** Query parameter of the launch URL carrying the one-time token. */
export const LAUNCH_TOKEN_PARAM = 'token';
