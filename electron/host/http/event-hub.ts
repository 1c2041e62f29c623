// Fan-out of HostEvents to whoever listens (the /api/events streams, local profiles).
import type { HostEvent } from '../protocol';

export type HostEventListener = (event: HostEvent) => void;

export interface EventHub {
  emit(event: HostEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: HostEventListener): () => void;
  unsubscribe(listener: HostEventListener): void;
}

export function createEventHub(log: (line: string) => void = () => {}): EventHub {
  const listeners = new Set<HostEventListener>();
  const hub: EventHub = {
    emit(event) {
      for (const l of [...listeners]) {
        try {
          l(event);
        } catch (err) {
          // One broken listener must not starve the others.
          log(`host: event listener failed: ${(err as Error)?.message ?? err}`);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => hub.unsubscribe(listener);
    },
    unsubscribe(listener) {
      listeners.delete(listener);
    },
  };
  return hub;
}
