// What upstream's event recorder does before it writes an Event (client-go's EventCorrelator),
// so one source cannot flood the Event list about one object (a ReplicaSet creating 30,000
// pods records 30,000 SuccessfulCreate events otherwise):
// - aggregation: once 10 events about an object with the same type and reason but different
//   messages are seen within 10 minutes, the next ones become one Event whose message is
//   "(combined from similar events): " and the latest message, counted up from then on;
// - deduplication: an event identical to an earlier one (message included) counts up that Event;
// - spam filter: each object gets a token bucket per source (25 events at once, then one every
//   5 minutes); events beyond it are dropped, counted ones included.
// A recorder is one source (component and host), so the keys here name only the object.
// Caches are bounded (LRU, 4,096 entries each, as upstream).

export const CORRELATOR_DEFAULTS = {
  cacheSize: 4096,
  aggregateMaxEvents: 10,
  aggregateIntervalMs: 600_000,
  spamBurst: 25,
  spamPerMs: 1 / 300_000,
};

export const COMBINED_PREFIX = '(combined from similar events): ';

/** The parts of an event the correlator looks at; `object` identifies the involved object (kind, namespace, name, uid, apiVersion). */
export interface EventFacts {
  object: string;
  type: string;
  reason: string;
  message: string;
}

export type Correlation =
  | { skip: true }
  | {
      skip: false;
      /**
       * The Event this occurrence counts up: `name` unset means create one, then set it (writes
       * go one at a time, so an occurrence correlated before the create finished sees the name).
       */
      target: { name?: string };
      /** The count the Event has with this occurrence. */
      count: number;
      /** The message to write (prefixed when aggregated). */
      message: string;
    };

export interface EventCorrelator {
  correlate(e: EventFacts): Correlation;
}

export function createEventCorrelator(now: () => number = Date.now, o = CORRELATOR_DEFAULTS): EventCorrelator {
  const similar = lru<{ messages: Set<string>; last: number }>(o.cacheSize);
  const observed = lru<{ name?: string; count: number }>(o.cacheSize);
  const buckets = lru<{ tokens: number; at: number }>(o.cacheSize);

  /** Takes a token from the object's bucket; false when it is empty. */
  function allowed(object: string, t: number): boolean {
    let b = buckets.get(object);
    if (!b) b = { tokens: o.spamBurst, at: t };
    b.tokens = Math.min(o.spamBurst, b.tokens + (t - b.at) * o.spamPerMs);
    b.at = t;
    buckets.set(object, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  return {
    correlate(e) {
      const t = now();
      const groupKey = `${e.object}\u0000${e.type}\u0000${e.reason}`;
      let group = similar.get(groupKey);
      if (!group || t - group.last > o.aggregateIntervalMs) group = { messages: new Set(), last: t };
      group.messages.add(e.message);
      group.last = t;
      similar.set(groupKey, group);
      let key = `${groupKey}\u0000${e.message}`;
      let message = e.message;
      if (group.messages.size >= o.aggregateMaxEvents) {
        // Keep the set below the threshold's size, as upstream (any one member goes).
        group.messages.delete(group.messages.values().next().value!);
        key = groupKey;
        message = COMBINED_PREFIX + e.message;
      }
      // Counted before the filter, as upstream: a dropped event still counts towards the next write.
      let target = observed.get(key);
      if (!target) observed.set(key, (target = { count: 0 }));
      const count = ++target.count;
      if (!allowed(e.object, t)) return { skip: true };
      return { skip: false, target, count, message };
    },
  };
}

/** A Map kept to `max` entries, least recently used out first. */
function lru<V>(max: number) {
  const m = new Map<string, V>();
  return {
    get(k: string): V | undefined {
      const v = m.get(k);
      if (v !== undefined) {
        m.delete(k);
        m.set(k, v);
      }
      return v;
    },
    set(k: string, v: V) {
      m.delete(k);
      m.set(k, v);
      if (m.size > max) m.delete(m.keys().next().value!);
    },
    delete(k: string) {
      m.delete(k);
    },
  };
}
