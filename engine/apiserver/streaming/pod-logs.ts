// GET pods/{name}/log: picks the container and checks its state the way kube-apiserver and the
// kubelet do (same messages, so kubectl prints the same errors), then streams the node's log
// text as chunked text/plain, flushing each chunk so `kubectl logs -f` sees lines as they come.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import type { LogOptions, NodeStreamsRegistry } from '../../client/node-streams';
import { ApiError, errors } from '../status';
import { boolParam } from '../request-options';
import type { ContainerStatus } from '../../apimachinery/workload-types';

/** Query parameters → LogOptions; 422 for values kube-apiserver's validation rejects. */
export function parseLogOptions(name: string, q: URLSearchParams, now: Date): { container?: string; opts: LogOptions } {
  const int = (key: string): number | undefined => {
    const v = q.get(key);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  };
  const bool = (key: string) => boolParam(q, key) === true;
  const tailLines = int('tailLines');
  const limitBytes = int('limitBytes');
  const sinceSeconds = int('sinceSeconds');
  const sinceTimeText = q.get('sinceTime') || undefined;
  const invalid: Array<{ field: string; reason: string; message: string }> = [];
  if (tailLines !== undefined && tailLines < 0)
    invalid.push({
      field: 'tailLines',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${tailLines}: must be greater than or equal to 0`,
    });
  if (limitBytes !== undefined && limitBytes < 1)
    invalid.push({ field: 'limitBytes', reason: 'FieldValueInvalid', message: `Invalid value: ${limitBytes}: must be greater than 0` });
  if (sinceSeconds !== undefined && sinceTimeText !== undefined)
    invalid.push({
      field: '',
      reason: 'FieldValueForbidden',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    invalid.push({ field: 'sinceSeconds', reason: 'FieldValueInvalid', message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  if (invalid.length) throw errors.invalid('PodLogOptions', '', name, invalid);
  let since: Date | undefined;
  if (sinceSeconds !== undefined) since = new Date(now.getTime() - sinceSeconds * 1000);
  if (sinceTimeText !== undefined) {
    since = new Date(sinceTimeText);
    if (Number.isNaN(since.getTime()))
      throw errors.badRequest(`parsing time ${JSON.stringify(sinceTimeText)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const opts: LogOptions = {
    follow: bool('follow'),
    previous: bool('previous'),
    timestamps: bool('timestamps'),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(since ? { since } : {}),
  };
  return { container: q.get('container') || undefined, opts };
}

const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);

/** The container to read, as kube-apiserver's LogLocation chooses it. */
export function pickLogContainer(pod: KubeObject, container: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const spec = pod.spec ?? {};
  if (!container) {
    const main = names(spec.containers);
    if (main.length === 1) return main[0];
    if (main.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    const init = names(spec.initContainers);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`;
    if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
    throw errors.badRequest(msg);
  }
  const all = [...names(spec.containers), ...names(spec.initContainers), ...names(spec.ephemeralContainers)];
  if (!all.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** The kubelet's check that the container (or its previous instance) has logs to read. */
export function checkLogStatus(pod: KubeObject, container: string, previous: boolean): void {
  const podName = pod.metadata.name ?? '';
  const status = pod.status ?? {};
  const all = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])];
  const cs = all.find((s: ContainerStatus) => s.name === container);
  const q = (s: string) => JSON.stringify(s);
  if (!cs) throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is not available`);
  const state = cs.state ?? {};
  const last = cs.lastState?.terminated;
  if (previous) {
    if (!last?.containerID) throw errors.badRequest(`previous terminated container ${q(container)} in pod ${q(podName)} not found`);
    return;
  }
  if (state.running) return;
  if (state.terminated) {
    if (state.terminated.containerID || last?.containerID) return;
    throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is terminated`);
  }
  if (last) {
    if (last.containerID) return;
    throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is terminated`);
  }
  if (state.waiting) {
    const reason = state.waiting.reason;
    const why =
      reason === 'ErrImagePull'
        ? "image can't be pulled"
        : reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : (reason ?? '');
    throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: ${why}`);
  }
  throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start - no logs yet`);
}

/** Serves one pods/log request; resolves once the response has ended (or the client left). */
export async function servePodLogs(
  nodeStreams: NodeStreamsRegistry,
  pod: KubeObject,
  q: URLSearchParams,
  res: ServerResponse,
  now: Date,
  req?: IncomingMessage,
): Promise<void> {
  const { container: asked, opts } = parseLogOptions(pod.metadata.name ?? '', q, now);
  const container = pickLogContainer(pod, asked);
  const nodeName: string | undefined = pod.spec?.nodeName;
  // Upstream answers an unscheduled pod with an empty log rather than an error.
  if (!nodeName) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end();
    return;
  }
  checkLogStatus(pod, container, !!opts.previous);
  const streams = nodeStreams.get(nodeName);
  if (!streams) throw errors.serviceUnavailable(`no kubelet serves node "${nodeName}": logs are unavailable`);
  let source: Readable;
  try {
    source = await streams.logs(pod, container, opts);
  } catch (err) {
    // The kubelet reports its failures to read logs as 400s.
    if (err instanceof ApiError) throw err;
    throw errors.badRequest((err as Error)?.message ?? String(err));
  }
  await pipeLog(source, res, opts.limitBytes, req);
}

/** Copies log text to the response, honouring limitBytes, and stops the source if the client goes away. */
function pipeLog(source: Readable, res: ServerResponse, limitBytes: number | undefined, req?: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    let sent = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      source.off('data', onData);
      source.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    const onData = (chunk: Buffer | string) => {
      let b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (limitBytes !== undefined) b = b.subarray(0, Math.max(0, limitBytes - sent));
      sent += b.length;
      // Backpressure: a slow reader pauses the container's log stream rather than buffering it.
      if (b.length && !res.write(b)) {
        source.pause();
        res.once('drain', () => source.resume());
      }
      if (limitBytes !== undefined && sent >= limitBytes) finish();
    };
    source.on('data', onData);
    source.once('end', finish);
    source.once('error', finish);
    source.once('close', finish);
    res.once('close', finish);
    req?.once('close', () => {
      if (!res.writableEnded) finish();
    });
  });
}
