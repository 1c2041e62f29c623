// Events as `kubectl describe` shows them, correlated as upstream's recorder does
// (event-correlator.ts): the same (object, type, reason, message) counts up one Event (count and
// lastTimestamp), many similar ones about an object become one "(combined from similar events)"
// Event, and a source may write about an object 25 events at once, then one every 5 minutes.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from './types';
import { R, isStatus } from './types';
import { createEventCorrelator } from './event-correlator';

export interface EventRecorder {
  /**
   * Records an event about `obj` (fire and forget; failures are logged, never thrown). With
   * `series`, calls of one (object, type, reason, series) update one Event: its message follows
   * the latest call (progress that must not flood the event list); a series is not correlated.
   */
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, series?: string): void;
  /** Resolves when every pending write has been attempted (for tests). */
  flush(): Promise<void>;
}

export interface EventRecorderOptions {
  client: KubeClient;
  component: string;
  host?: string;
  now?: () => Date;
  log?: (line: string) => void;
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const now = opts.now ?? (() => new Date());
  const correlator = createEventCorrelator(() => now().getTime());
  const series = new Map<string, { name: string; namespace: string; count: number }>();
  let pending: Promise<void> = Promise.resolve();

  /** Counts up the Event `name`; false when it is gone (then it is created anew). */
  async function countUp(namespace: string, name: string, count: number, message?: string): Promise<boolean> {
    try {
      await opts.client.patch(R.events, namespace, name, 'merge', {
        count,
        lastTimestamp: rfc3339(now()),
        ...(message === undefined ? {} : { message }),
      });
      return true;
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      return false; // expired or deleted
    }
  }

  async function create(obj: KubeObject, type: string, reason: string, message: string, count: number): Promise<string> {
    const namespace = obj.metadata.namespace || 'default';
    const t = rfc3339(now());
    // 16 hex digits from a random UUID: Node hands those out of a pooled buffer, where
    // randomBytes reads the kernel once per call (a pod start records three or four events).
    const name = `${obj.metadata.name}.${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: opts.component, ...(opts.host ? { host: opts.host } : {}) },
      firstTimestamp: t,
      lastTimestamp: t,
      count,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? '',
    };
    // Built for this call and not read again: handed over, not copied by the client.
    await opts.client.create(R.events, namespace, event, { handOver: true });
    return name;
  }

  async function writeSeries(obj: KubeObject, type: string, reason: string, message: string, id: string) {
    const key = [obj.metadata.uid, type, reason, id].join('\u0000');
    const seen = series.get(key);
    if (seen && (await countUp(seen.namespace, seen.name, ++seen.count, message))) return;
    const name = await create(obj, type, reason, message, 1);
    series.set(key, { name, namespace: obj.metadata.namespace || 'default', count: 1 });
    if (series.size > 10_000) series.delete(series.keys().next().value!);
  }

  const objectKey = (obj: KubeObject) =>
    [obj.kind, obj.metadata.namespace, obj.metadata.name, obj.metadata.uid, obj.apiVersion].join('\u0000');

  return {
    event(obj, type, reason, message, id) {
      let write: () => Promise<void>;
      if (id !== undefined) write = () => writeSeries(obj, type, reason, message, id);
      else {
        // Decided now, in call order; written in turn (an Event being created is counted up after).
        const c = correlator.correlate({ object: objectKey(obj), type, reason, message });
        if (c.skip) return;
        write = async () => {
          const { target, count } = c;
          // The message goes with a count-up only when aggregated (it follows the latest event).
          const aggregated = c.message !== message;
          if (target.name && (await countUp(obj.metadata.namespace || 'default', target.name, count, aggregated ? c.message : undefined)))
            return;
          target.name = await create(obj, type, reason, c.message, count);
        };
      }
      pending = pending.then(write).catch((e: Error) => opts.log?.(`event ${reason} on ${obj.metadata.name}: ${e.message}`));
    },
    flush: () => pending,
  };
}
