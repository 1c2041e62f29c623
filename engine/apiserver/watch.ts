// Watch streams: one JSON line per event, from a resourceVersion, with the list-then-watch
// (synthetic ADDED) start for rv unset/0, bookmarks, and 410 Expired for compacted revisions.
import type { ServerResponse } from 'node:http';
import type { KindDef, KubeObject } from '../kinds/types';
import { CompactedError, type Store, type WatchEvent } from '../store/types';
import type { ObjectFilter, Resources } from './resource-store';
import { decodeObject, resourcePrefix } from './storage-keys';
import { apiVersionOf, withKind } from './object-meta';
import { ApiError, errors } from './status';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchRequest {
  def: KindDef;
  namespace?: string;
  filter?: ObjectFilter;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowBookmarks?: boolean;
  timeoutSeconds?: number;
  /** Turns an event's object into what goes on the wire (full object, or a one-row Table). */
  encodeObject(obj: KubeObject): unknown;
}

export interface WatchDeps {
  store: Store;
  resources: Resources;
  bookmarkIntervalMs?: number;
}

export interface WatchSink {
  /** One event; `object` is already encoded for the consumer. */
  event(type: EventType, object: unknown): void;
  /** The stream ended (err set when it failed; an ERROR event was already sent). */
  end(err?: Error): void;
}

/** Serves a watch as a chunked HTTP response of JSON lines. */
export async function serveWatch(
  deps: WatchDeps,
  req: WatchRequest,
  res: ServerResponse,
  onClose: (fn: () => void) => void,
): Promise<void> {
  let headersSent = false;
  const stop = await openWatch(
    deps,
    req,
    {
      event(type, object) {
        if (!headersSent) return;
        res.write(JSON.stringify({ type, object }) + '\n');
      },
      end() {
        res.end();
      },
    },
    () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      headersSent = true;
    },
  );
  onClose(stop);
}

/**
 * Opens a watch: validates the starting version (410 for compacted ones, thrown before
 * anything is sent), calls `ready`, sends synthetic ADDED events when asked, then live events.
 * Returns a function that stops it.
 */
export async function openWatch(deps: WatchDeps, req: WatchRequest, sink: WatchSink, ready: () => void = () => {}): Promise<() => void> {
  const { def } = req;
  const rvParam = req.resourceVersion;
  let startRev: number;
  let initial: KubeObject[] = [];
  const wantInitial = req.sendInitialEvents ?? (!rvParam || rvParam === '0');
  if (rvParam && rvParam !== '0') {
    startRev = Number(rvParam);
    if (!Number.isInteger(startRev) || startRev < 0) throw errors.badRequest(`invalid resource version: ${rvParam}`);
    const compacted = await deps.store.compactedRevision();
    if (startRev < compacted) throw errors.gone(`too old resource version: ${startRev} (${compacted})`);
  }
  if (wantInitial) {
    const list = await deps.resources.list(def, req.namespace, { filter: req.filter });
    initial = list.items;
    startRev = Number(list.resourceVersion);
  } else if (rvParam === undefined || rvParam === '0') {
    startRev = await deps.store.currentRevision();
  }

  ready();
  let lastRev = startRev!;
  let closed = false;
  const send = (type: EventType, object: unknown) => {
    if (!closed) sink.event(type, object);
  };
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', {
      kind: def.kind,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: String(lastRev), ...(annotations ? { annotations } : {}) },
    });

  for (const obj of initial) send('ADDED', req.encodeObject(obj));
  if (req.sendInitialEvents && req.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  const prefix = resourcePrefix(def, req.namespace);
  const watcher = deps.store.watch({
    prefix,
    afterRevision: startRev!,
    onEvents: (events) => {
      for (const ev of events) {
        if (!def.conversionWebhook) deliver(ev);
        // Converted through the CRD's webhook: asynchronously, in order.
        else converting = converting.then(() => deliverConverted(ev)).catch(failConversion);
      }
    },
    onError: (err) => {
      const apiErr =
        err instanceof CompactedError
          ? errors.gone(`too old resource version: ${startRev} (${err.compacted})`)
          : errors.internal(err.message);
      send('ERROR', apiErr.toStatus());
      finish(apiErr);
    },
  });

  let converting = Promise.resolve();
  const decoded = (ev: WatchEvent) => ({
    now: ev.type === 'delete' ? undefined : decodeObject(ev.kv),
    before: ev.prevKv ? decodeObject(ev.prevKv, ev.type === 'delete' ? ev.revision : ev.prevKv.modRevision) : undefined,
  });

  async function deliverConverted(ev: WatchEvent) {
    if (closed) return;
    const { now, before } = decoded(ev);
    const present = [now, before].filter((o): o is KubeObject => o !== undefined);
    const shown = await deps.resources.presentAll(def, present);
    const at = (o: KubeObject | undefined) => (o ? shown[present.indexOf(o)] : undefined);
    deliver(ev, at(now), at(before));
  }

  function failConversion(e: unknown) {
    const apiErr = e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e));
    send('ERROR', apiErr.toStatus());
    finish(apiErr);
  }

  /** `shownNow`/`shownBefore`: the event's objects already presented (converted kinds). */
  function deliver(ev: WatchEvent, shownNow?: KubeObject, shownBefore?: KubeObject) {
    lastRev = ev.revision;
    const { now, before } = shownNow || shownBefore ? { now: shownNow, before: shownBefore } : decoded(ev);
    const f = req.filter;
    const matchNow = now !== undefined && (!f || f(withKind(def, now)));
    const matchBefore = before !== undefined && (!f || f(withKind(def, before)));
    if (ev.type === 'delete') {
      if (matchBefore) send('DELETED', req.encodeObject(withKind(def, before!)));
      return;
    }
    if (matchNow && !before) send('ADDED', req.encodeObject(withKind(def, now!)));
    else if (matchNow && matchBefore) send('MODIFIED', req.encodeObject(withKind(def, now!)));
    else if (matchNow) send('ADDED', req.encodeObject(withKind(def, now!)));
    else if (matchBefore) {
      // Left the selection: clients see it as deleted, carrying the new state's resourceVersion.
      const gone = withKind(def, before!);
      gone.metadata.resourceVersion = String(ev.revision);
      send('DELETED', req.encodeObject(gone));
    }
  }

  const timers: NodeJS.Timeout[] = [];
  if (req.allowBookmarks) timers.push(setInterval(() => bookmark(), deps.bookmarkIntervalMs ?? 60_000));
  if (req.timeoutSeconds && req.timeoutSeconds > 0) timers.push(setTimeout(() => finish(), req.timeoutSeconds * 1000));

  function finish(err?: Error) {
    if (closed) return;
    closed = true;
    watcher.close();
    for (const t of timers) clearInterval(t);
    sink.end(err);
  }
  return () => finish();
}
