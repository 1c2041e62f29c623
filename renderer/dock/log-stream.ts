// Follows one container's log over HTTP (fetch + ReadableStream). When the stream ends or drops
// while the pod still exists (container restarted, kubelet reconnect, network) it resumes from
// the last line's timestamp, dropping the lines it already has (log-resume.ts).
import type { K8sClient } from '../k8s/client';
import { K8sError, errorText } from '../k8s/errors';
import { createFrameBatcher, type Scheduler } from '../k8s/frame-batcher';
import { createLineSplitter, readTextStream } from '../k8s/line-splitter';
import { resourcePath, wellKnown } from '../k8s/resources';
import type { StreamSlots } from '../k8s/stream-slots';
import { makeLine, sysLine, type LogLine } from './log-buffer';
import { createResumeCursor } from './log-resume';

export interface LogStreamOptions {
  client: K8sClient;
  namespace: string;
  pod: string;
  container?: string;
  previous?: boolean;
  /** Where the first read starts: the last N lines (null: all), or the last N seconds. */
  tailLines?: number | null;
  sinceSeconds?: number;
  /** Prefix lines with the pod's name (merged workload logs). */
  label?: string;
  onLines(lines: LogLine[]): void;
  schedule?: Scheduler;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Following holds a connection slot; without one the log is read again every pollMs. */
  slots?: StreamSlots;
  pollMs?: number;
}

export function logQuery(o: {
  container?: string;
  previous?: boolean;
  tailLines?: number | null;
  sinceSeconds?: number;
  sinceTime?: string;
  follow?: boolean;
}): Record<string, string | undefined> {
  // A resume (sinceTime) wins over the tab's choice; the API takes one of sinceTime/sinceSeconds.
  const bySeconds = !o.sinceTime && o.sinceSeconds !== undefined;
  const tail = o.sinceTime || bySeconds || o.tailLines === null ? undefined : String(o.tailLines ?? 500);
  return {
    follow: o.previous || o.follow === false ? undefined : 'true',
    timestamps: 'true',
    container: o.container || undefined,
    previous: o.previous ? 'true' : undefined,
    tailLines: tail,
    ...(bySeconds ? { sinceSeconds: String(o.sinceSeconds) } : {}),
    sinceTime: o.sinceTime ? o.sinceTime.replace(/\.\d+Z$/, 'Z') : undefined,
  };
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        r();
      },
      { once: true },
    );
  });

export function startLogStream(o: LogStreamOptions): { stop(): void } {
  const abort = new AbortController();
  const signal = abort.signal;
  const sleep = o.sleep ?? defaultSleep;
  const batcher = createFrameBatcher<LogLine>((lines) => o.onLines(lines), o.schedule);
  const say = (text: string) => batcher.push(sysLine(text, o.label));
  const cursor = createResumeCursor();

  const podExists = async () => {
    try {
      await o.client.getJson(resourcePath(wellKnown.pods, o.namespace, o.pod), { signal });
      return true;
    } catch (e) {
      return !(e instanceof K8sError && e.code === 404);
    }
  };

  /** One read of the log: followed while it holds a slot, else what is there now. */
  const readOnce = async (follow: boolean) => {
    const res = await o.client.open(`${resourcePath(wellKnown.pods, o.namespace, o.pod)}/log`, {
      signal,
      query: logQuery({
        container: o.container,
        previous: o.previous,
        tailLines: o.tailLines,
        sinceSeconds: o.sinceSeconds,
        sinceTime: cursor.sinceTime(),
        follow,
      }),
      what: `logs of ${o.pod}`,
    });
    cursor.begin();
    const splitter = createLineSplitter((raw) => {
      const line = makeLine(raw, o.label);
      if (line.ts && !cursor.accept(line.ts)) return; // already shown before the reconnect
      batcher.push(line);
    });
    // A dropped stream throws here: its partial last line is not emitted (the resume reads it whole).
    if (res.body) await readTextStream(res.body, (t) => splitter.push(t));
    splitter.flush();
  };

  (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      const release = o.previous ? null : o.slots ? o.slots.tryAcquire() : () => {};
      const follow = !!release;
      try {
        try {
          await readOnce(follow);
        } finally {
          release?.();
        }
        attempt = 0;
        if (o.previous || signal.aborted) break;
        if (!follow) {
          await sleep(o.pollMs ?? 2000, signal); // polling: no free connection to follow with
          continue;
        }
        if (!(await podExists())) {
          say(`— pod ${o.pod} was deleted; the log ends here —`);
          break;
        }
        say('— stream ended; reconnecting (the container may have restarted) —');
        await sleep(1000, signal);
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof K8sError && e.code === 404 && !(await podExists())) {
          say(`— pod ${o.pod} not found —`);
          break;
        }
        attempt++;
        if (attempt === 1 || attempt % 10 === 0) say(`— ${errorText(e)} (retrying) —`);
        if (o.previous) break;
        await sleep(Math.min(10_000, 1000 * attempt), signal);
      }
    }
    batcher.flush();
  })();

  return {
    stop() {
      abort.abort();
      batcher.flush();
      batcher.cancel();
    },
  };
}
