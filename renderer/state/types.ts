// Shapes of the UI state shared by the store and the components.
import type { ApiResource } from '../k8s/types';

export type View =
  | { kind: 'start' }
  | { kind: 'progress'; cluster: string }
  | { kind: 'overview' }
  | { kind: 'list'; resource: ApiResource }
  /** Helm releases, read from their storage Secrets; release: the one whose panel is open. */
  | { kind: 'helm'; release?: { namespace: string; name: string } }
  /** The namespace's resource map (workloads → ReplicaSets → Pods ← Services); the open panel is the selection. */
  | { kind: 'map' };

/** The object shown in the detail panel. */
export interface Selection {
  resource: ApiResource;
  namespace: string;
  name: string;
}

export interface EditorRequest {
  id: number;
  mode: 'create' | 'edit';
  profile: string;
  /** For edit: the object's resource, namespace and name. */
  resource?: ApiResource;
  namespace?: string;
  name?: string;
  /** Text not applied yet, kept by the host (the editor opens with it instead of the object or template). */
  draft?: string;
}

export interface LogsTab {
  id: string;
  type: 'logs';
  title: string;
  profile: string;
  namespace: string;
  /** One pod, or several (merged logs of a workload, found by selector). */
  pod?: string;
  containers?: string[];
  selector?: string;
  /** Where the log starts (a log-since.ts choice id); unset: the last 500 lines (100 per pod merged). */
  since?: string;
}

export interface ShellTab {
  id: string;
  type: 'shell';
  title: string;
  profile: string;
  namespace: string;
  pod: string;
  containers: string[];
  /** Restored after a reload or restart: a new session under the kept screen text. */
  reconnected?: boolean;
  scrollback?: string;
}

/** A local shell (node-pty on the host) with KUBECONFIG set to the profile. */
export interface TerminalTab {
  id: string;
  type: 'terminal';
  title: string;
  profile: string;
}

export type DockTab = LogsTab | ShellTab | TerminalTab;

export interface DiscoveryState {
  resources: ApiResource[];
  loading: boolean;
  error?: string;
  failures?: string[];
}

export interface Toast {
  id: number;
  text: string;
  tone: 'ok' | 'bad';
}
