// Docker's event stream → kubelet resyncs. A stream that ends or breaks (Docker restarted) is
// re-subscribed; every pod is then resynced, since events in the gap are lost.
import type Docker from 'dockerode';
import { L, ownedBy, type ClusterKey } from '../../docker/names';

export interface DockerEventsOptions {
  docker: Docker;
  cluster: ClusterKey;
  /** Label filters selecting this node's containers. */
  labels: string[];
  /** A pod's containers changed. */
  changed: (podUid: string) => void;
  /** One of the node's containers was removed (by anyone): its `destroy` event. */
  destroyed?: (c: { id: string; podUid: string; labels: Record<string, string> }) => void;
  /** After a lost stream comes back: every pod this runtime knows. */
  knownPods: () => Iterable<string>;
  isClosed: () => boolean;
  /** The stream broke or cannot be opened (false; Docker may be restarting) or is back (true). */
  onEvents?: (connected: boolean) => void;
  log: (line: string) => void;
}

export interface DockerEvents {
  connected(): boolean;
  /** Drops the stream; its close handler subscribes again. */
  resubscribe(): void;
  close(): void;
}

type EventStream = NodeJS.ReadableStream & { destroy?(): void };

export function watchDockerEvents(o: DockerEventsOptions): DockerEvents {
  let events: EventStream | undefined;
  let up = false;

  function subscribe(afterLoss = false) {
    if (o.isClosed()) return;
    const filters = { type: ['container' as const], label: o.labels, event: ['start', 'die', 'oom', 'destroy'] };
    o.docker.getEvents({ filters }).then(
      (s) => {
        const stream = s as EventStream;
        if (o.isClosed()) return void stream.destroy?.();
        events = stream;
        up = true;
        if (afterLoss) {
          o.onEvents?.(true);
          const pods = [...o.knownPods()];
          o.log(`docker events: re-subscribed; resyncing ${pods.length} pod(s)`);
          for (const uid of pods) o.changed(uid);
        }
        let buf = '';
        s.on('data', (d: Buffer) => {
          buf += d.toString();
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            try {
              const ev = JSON.parse(line) as { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } } | null;
              const attrs = ev?.Actor?.Attributes;
              const uid = attrs?.[L.podUid];
              if (!uid || !ownedBy(o.cluster, attrs)) continue;
              if (ev?.Action === 'destroy' && ev.Actor?.ID) o.destroyed?.({ id: ev.Actor.ID, podUid: uid, labels: attrs });
              o.changed(uid);
            } catch {
              /* partial garbage: ignore */
            }
          }
        });
        let lost = false;
        const onLost = () => {
          if (lost || o.isClosed()) return;
          lost = true;
          up = false;
          o.onEvents?.(false);
          setTimeout(() => subscribe(true), 500).unref();
        };
        s.on('end', onLost);
        s.on('close', onLost);
        s.on('error', onLost);
      },
      (e: Error) => {
        if (!afterLoss) o.log(`docker events: ${e.message}`);
        up = false;
        o.onEvents?.(false);
        setTimeout(() => subscribe(true), 1000).unref();
      },
    );
  }
  subscribe();

  return {
    connected: () => up,
    resubscribe() {
      up = false;
      events?.destroy?.();
    },
    close: () => events?.destroy?.(),
  };
}
