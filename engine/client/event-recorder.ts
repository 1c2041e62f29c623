// Events as `kubectl describe` shows them, aggregated: the same (object, type, reason, message)
// bumps count and lastTimestamp of one Event instead of creating a new one each time.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from './types';
import { R, isStatus } from './types';

export interface EventRecorder {
  /**
   * Records an event about `obj` (fire and forget; failures are logged, never thrown). With
   * `series`, calls of one (object, type, reason, series) update one Event: its message follows
   * the latest call (progress that must not flood the event list).
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
  const known = new Map<string, { name: string; namespace: string; count: number }>();
  let pending: Promise<void> = Promise.resolve();

  async function write(obj: KubeObject, type: string, reason: string, message: string, series?: string) {
    const namespace = obj.metadata.namespace || 'default';
    const key = [obj.metadata.uid, type, reason, series === undefined ? message : `\u0001${series}`].join('\u0000');
    const t = rfc3339(now());
    const seen = known.get(key);
    if (seen) {
      seen.count++;
      try {
        await opts.client.patch(R.events, seen.namespace, seen.name, 'merge', {
          count: seen.count,
          lastTimestamp: t,
          ...(series === undefined ? {} : { message }),
        });
        return;
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
        known.delete(key); // expired or deleted: record anew
      }
    }
    // 16 hex digits from a random UUID: Node hands those out of a pooled buffer, where
    // randomBytes reads the kernel once per call (a pod start records three or four events).
    const name = `${obj.metadata.name}.${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await opts.client.create(R.events, namespace, {
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
      count: 1,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? '',
    });
    known.set(key, { name, namespace, count: 1 });
    if (known.size > 10_000) known.delete(known.keys().next().value!);
  }

  return {
    event(obj, type, reason, message, series) {
      pending = pending
        .then(() => write(obj, type, reason, message, series))
        .catch((e) => opts.log?.(`event ${reason} on ${obj.metadata.name}: ${e.message}`));
    },
    flush: () => pending,
  };
}
