// What a node offers the API server for pods/log, exec, attach and port-forward. The kubelet
// maps pod + container to the runtime's container and hands back plain Node streams; the API
// server speaks the wire protocols (chunked text, WebSocket channels, SPDY) around them.
import type { Duplex, Readable, Writable } from 'node:stream';
import type { KubeObject } from '../kinds/types';

export interface LogOptions {
  follow?: boolean;
  /** The previous (last terminated) instance of the container. */
  previous?: boolean;
  tailLines?: number;
  /** Only lines at or after this time. */
  since?: Date;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface ExecOptions {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecSession {
  stdin?: Writable;
  stdout?: Readable;
  /** Absent with a TTY (stderr is merged into stdout). */
  stderr?: Readable;
  resize(width: number, height: number): void;
  /** The process's exit code (attach: the container's, or 0 when detached). */
  exitCode: Promise<number>;
  /** Ends the session early (client went away). */
  close(): void;
}

export interface NodeStreams {
  /** Log lines as text (with RFC3339Nano prefixes when `timestamps`); ends when the container exits if following. */
  logs(pod: KubeObject, container: string, opts: LogOptions): Promise<Readable>;
  exec(pod: KubeObject, container: string, opts: ExecOptions): Promise<ExecSession>;
  attach(pod: KubeObject, container: string, opts: Omit<ExecOptions, 'command'>): Promise<ExecSession>;
  /** A TCP connection to the pod's port (inside the pod's network namespace). */
  portForward(pod: KubeObject, port: number): Promise<Duplex>;
}

/** Where the API server finds each node's streams (kubelets register themselves). */
export interface NodeStreamsRegistry {
  get(nodeName: string): NodeStreams | undefined;
  set(nodeName: string, streams: NodeStreams): void;
  delete(nodeName: string): void;
}

export function createNodeStreamsRegistry(): NodeStreamsRegistry {
  const byNode = new Map<string, NodeStreams>();
  return {
    get: (n) => byNode.get(n),
    set: (n, s) => void byNode.set(n, s),
    delete: (n) => void byNode.delete(n),
  };
}
