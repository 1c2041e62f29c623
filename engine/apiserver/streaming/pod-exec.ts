// pods/{name}/exec and /attach, independent of the wire protocol: validates the query, picks
// the container, opens the node's session and pumps it through an ExecTransport (WebSocket
// channels or SPDY streams). Validation happens before the upgrade so errors stay HTTP Status.
import type { KubeObject } from '../../kinds/types';
import type { ExecOptions, ExecSession, NodeStreams } from '../../client/node-streams';
import { errors } from '../status';
import { boolParam } from '../request-options';

export type ExecKind = 'exec' | 'attach';

export interface ExecRequest {
  kind: ExecKind;
  container: string;
  opts: ExecOptions;
}

/** What a wire protocol offers the session pump. */
export interface ExecTransport {
  /** Stdin chunks from the client; null when the client closed stdin. */
  onStdin(cb: (chunk: Buffer | null) => void): void;
  onResize(cb: (width: number, height: number) => void): void;
  /** The client went away (the session is then closed). */
  onClose(cb: () => void): void;
  writeStdout(chunk: Buffer): void;
  writeStderr(chunk: Buffer): void;
  /** Sends the final Status (v4 semantics) and closes the connection. */
  finish(status: ExecStatus): void;
}

export type ExecStatus = Record<string, unknown>;

/** Parses and validates the query; throws ApiErrors (sent as HTTP Status before upgrading). */
export function parseExecRequest(kind: ExecKind, pod: KubeObject, q: URLSearchParams): ExecRequest {
  const command = q.getAll('command');
  if (kind === 'exec' && command.length === 0) throw errors.badRequest('you must specify at least one command for the container');
  const truthy = (name: string) => boolParam(q, name) === true;
  const tty = truthy('tty');
  const opts: ExecOptions = {
    command,
    stdin: truthy('stdin'),
    stdout: truthy('stdout'),
    // With a TTY stderr is merged into stdout, so a stderr stream is never used.
    stderr: truthy('stderr') && !tty,
    tty,
  };
  if (!opts.stdin && !opts.stdout && !truthy('stderr')) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed')
    throw errors.badRequest(`cannot ${kind} into a container in a completed pod; current phase is ${phase}`);
  return { kind, container: pickContainer(pod, q.get('container')), opts };
}

/** Like upstream: the named container, or the only one; several without a name is an error
 * (kubectl defaults the container itself and always sends it). */
export function pickContainer(pod: KubeObject, requested: string | null): string {
  const containers: string[] = (pod.spec?.containers ?? []).map((c: { name: string }) => c.name);
  const all = [
    ...containers,
    ...(pod.spec?.initContainers ?? []).map((c: { name: string }) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c: { name: string }) => c.name),
  ];
  const podName = pod.metadata?.name;
  if (!requested) {
    if (containers.length === 1) return containers[0];
    throw errors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]`);
  }
  if (!all.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

export function successStatus(): ExecStatus {
  return { metadata: {}, status: 'Success' };
}

export function exitStatus(code: number): ExecStatus {
  if (code === 0) return successStatus();
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function errorStatus(message: string): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

export async function openSession(streams: NodeStreams, pod: KubeObject, req: ExecRequest): Promise<ExecSession> {
  if (req.kind === 'exec') return streams.exec(pod, req.container, req.opts);
  const { command: _c, ...rest } = req.opts;
  return streams.attach(pod, req.container, rest);
}

/** Pumps a session through a transport until the process exits or the client leaves. */
export function pumpSession(session: ExecSession, t: ExecTransport): Promise<void> {
  let closed = false;
  t.onClose(() => {
    if (closed) return;
    closed = true;
    session.close();
  });
  t.onStdin((chunk) => {
    if (!session.stdin || session.stdin.destroyed) return;
    if (chunk === null) session.stdin.end();
    else session.stdin.write(chunk);
  });
  // A process that exits without reading stdin makes writes fail with EPIPE: not our error.
  session.stdin?.on('error', () => {});
  t.onResize((w, h) => session.resize(w, h));
  const drained = (r: NodeJS.ReadableStream | undefined, write: (b: Buffer) => void) =>
    new Promise<void>((resolve) => {
      if (!r) return resolve();
      r.on('data', (b: Buffer | string) => write(Buffer.isBuffer(b) ? b : Buffer.from(b)));
      r.on('end', resolve);
      r.on('close', resolve);
      r.on('error', () => resolve());
    });
  const out = drained(session.stdout, (b) => t.writeStdout(b));
  const err = drained(session.stderr, (b) => t.writeStderr(b));
  return session.exitCode.then(
    async (code) => {
      // Output may still be in flight when the exit code arrives; wait for it (bounded).
      await Promise.race([Promise.all([out, err]), new Promise((r) => setTimeout(r, 2000).unref())]);
      if (!closed) t.finish(exitStatus(code));
      closed = true;
    },
    (e: Error) => {
      if (!closed) t.finish(errorStatus(e?.message ?? String(e)));
      closed = true;
    },
  );
}

/** A callback slot that queues calls made before a handler is set (stdin can arrive while
 * the node is still starting the process), then replays them in order. */
export function queuedSlot<A extends unknown[]>() {
  let handler: ((...args: A) => void) | undefined;
  const queued: A[] = [];
  return {
    call: (...args: A) => (handler ? handler(...args) : void queued.push(args)),
    set(cb: (...args: A) => void) {
      handler = cb;
      for (const args of queued.splice(0)) cb(...args);
    },
  };
}
