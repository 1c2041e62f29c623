// The container runtime interface the kubelet's shared pod logic drives. Two implementations:
// simulated (kwok-style, in memory) and Docker (issue 4). The kubelet owns all Kubernetes
// semantics (phases, restart policy, back-off, conditions); a runtime only runs sandboxes and
// containers and reports their raw states, so both runtimes behave the same to users.
import type { KubeObject } from '../kinds/types';
import type { NodeStreams } from '../client/node-streams';
import type { Container } from '../apimachinery/pod-types';

/** What a runtime needs to know about a pod to hold its sandbox (network namespace, IP). */
export interface SandboxConfig {
  /** The pod as last seen (spec, annotations); runtimes read what they need from it. */
  pod: KubeObject;
  /** Node's pod CIDR, e.g. 10.244.3.0/24 (runtimes that allocate IPs themselves may ignore it). */
  podCIDR?: string;
}

export interface Sandbox {
  id: string;
  podIP: string;
  /** This call made it (none existed): containers left from an earlier sandbox must restart in it. */
  created?: boolean;
}

export interface ContainerConfig {
  podUid: string;
  sandboxId: string;
  /** The container spec from the pod (name, image, command, env, resources, ...). */
  spec: Container;
  /** Restart attempt (0 first); runtimes put it in names/labels so a restarted kubelet can adopt. */
  attempt: number;
  init: boolean;
}

export type RawState = 'created' | 'running' | 'exited';

/** A container as the runtime sees it: no Kubernetes policy applied. */
export interface RuntimeContainer {
  id: string;
  podUid: string;
  name: string;
  attempt: number;
  image: string;
  imageID: string;
  state: RawState;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** Reason for exit (OOMKilled, Error, Completed); the kubelet derives one when unset. */
  reason?: string;
  message?: string;
  /** A runtime-provided readiness verdict (the simulated runtime's `ready: false`); unset = no opinion. */
  ready?: boolean;
}

/** What the kubelet tells a runtime about one image pull; runtimes may ignore any of it. */
export interface PullImageOptions {
  /** The container's imagePullPolicy; unset: Always for `:latest` or untagged images, else IfNotPresent. */
  policy?: string;
  /** The pod the image is for: its namespace and imagePullSecrets give registry credentials. */
  pod?: KubeObject;
  /** Told what the pull does, for the pod's events; not called when a present image is used as is. */
  report?(r: PullReport): void;
}

export type PullReport =
  /** A registry pull starts. */
  | { kind: 'pulling' }
  /** A long pull is still running (at most one every few seconds). */
  | { kind: 'progress'; message: string }
  | { kind: 'pulled'; pullMs: number; sizeBytes?: number }
  /** Anything else worth an event (a missing pull Secret, a fallback to the local image). */
  | { kind: 'event'; type: 'Normal' | 'Warning'; reason: string; message: string };

/**
 * A failed pullImage: `reason` is ErrImagePull or ErrImageNeverPull; `message` is the event and
 * waiting message users read (`Failed to pull image "x": why`, or the Never message).
 */
export type PullError = Error & { reason?: 'ErrImagePull' | 'ErrImageNeverPull' };

export interface ContainerStats {
  podUid: string;
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
}

/** Something the runtime repaired or saw done behind the kubelet's back, worth an event on the pod. */
export interface RuntimeNotice {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** A container was removed outside the kubelet: re-create it without crash back-off. */
  removed?: boolean;
}

/** Something changed without the kubelet asking (a container exited or finished starting). */
export type RuntimeListener = (podUid: string, notice?: RuntimeNotice) => void;

export interface ContainerRuntime {
  /** `<name>://<version>` as nodeInfo.containerRuntimeVersion shows it. */
  readonly version: string;
  /** Creates the pod's sandbox if missing (idempotent; also refreshes per-pod settings). */
  ensureSandbox(cfg: SandboxConfig): Promise<Sandbox>;
  /** Removes the sandbox and anything left in it. */
  removeSandbox(podUid: string): Promise<void>;
  /** Makes the image present as its pull policy says; resolves with its ID (digest). */
  pullImage(image: string, opts?: PullImageOptions): Promise<string>;
  /** Creates a container; resolves with its ID. */
  createContainer(cfg: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Stops with SIGTERM, then SIGKILL after graceSeconds. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Containers that exist (all pods, or one), for syncing and for adoption after a restart. */
  listContainers(podUid?: string): RuntimeContainer[] | Promise<RuntimeContainer[]>;
  /** Pod UIDs that have a sandbox (adoption, cleanup of pods that no longer exist). */
  listSandboxes(): string[] | Promise<string[]>;
  /** Current usage of running containers. */
  stats(): ContainerStats[] | Promise<ContainerStats[]>;
  /** Subscribe to unsolicited state changes; returns an unsubscribe function. */
  onChange(listener: RuntimeListener): () => void;
  /** Releases timers and connections. */
  close(): void;
  /**
   * Logs, exec, attach and port-forward into its containers, for runtimes that have them
   * (Docker; the simulated runtime has none). Probes and lifecycle hooks need exec.
   */
  readonly streams?: NodeStreams;
}
