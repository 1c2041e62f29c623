// Watch streams: one JSON line per event, from a resourceVersion, with the list-then-watch
// (synthetic ADDED) start for rv unset/0, bookmarks, and 410 Expired for compacted revisions.
import type { ServerResponse } from 'node:http';
import type { KindDef, KubeObject } from '../kinds/types';
import { CompactedError, type Store, type WatchEvent } from '../store/types';
import type { ObjectFilter, Resources } from './resource-store';
import { decodeObject, jsonHead, resourcePrefix, storedJson } from './storage-keys';
import { apiVersionOf } from './object-meta';
import { sharedBefore, sharedLine, sharedNow } from './watch-shared';
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
  /** Turns an event's object into what goes on the wire (full object, or a one-row Table). It must not change `obj`: other watchers share it. */
  encodeObject(obj: KubeObject): unknown;
  /**
   * encodeObject depends on the object alone (no Table's first-row columns, no clock): an
   * event's wire line is then made once and shared with every such watcher (see WatchSink.line).
   */
  shareable?: boolean;
  /**
   * encodeObject returns the object itself (a plain JSON watch): the line of an event's new state
   * is then spliced from the stored JSON text (storedJson) instead of printed from the decoded object.
   */
  asStored?: boolean;
}

export interface WatchDeps {
  store: Store;
  resources: Resources;
  bookmarkIntervalMs?: number;
}

export interface WatchSink {
  /** One event; `object` is already encoded for the consumer. */
  event(type: EventType, object: unknown): void;
  /**
   * When set, a shareable request's store events come here instead, as their wire line:
   * `JSON.stringify({ type, object }) + '\n'`, made once for all watchers of the event.
   */
  line?(text: string): void;
  /** The stream ended (err set when it failed; an ERROR event was already sent). */
  end(err?: Error): void;
}

/** The state before `ev` (present when the event has one): presented already, or shared. */
function stateBefore(ev: WatchEvent, def: KindDef, shown: { before?: KubeObject } | undefined): KubeObject {
  return (shown ? shown.before : sharedBefore(ev, def))!;
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
      line(text) {
        if (headersSent) res.write(text);
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

  // Store events: decoded once and, for shareable requests with a line sink, encoded once for
  // every watcher of the same event (watch-shared.ts); the filter stays each watcher's own.
  // Kinds converted through a CRD's webhook are presented per watcher, asynchronously, in order.
  const shared = req.shareable && sink.line && !def.conversionWebhook ? sink.line.bind(sink) : undefined;
  const head = req.asStored ? jsonHead(def) : undefined;
  const emit = (ev: WatchEvent, type: EventType, variant: string, obj: () => KubeObject) => {
    if (closed) return;
    if (!shared) return send(type, req.encodeObject(obj()));
    // ADDED and MODIFIED carry the event's new state: the stored text, resourceVersion spliced in.
    if (head !== undefined && (variant === 'ADDED' || variant === 'MODIFIED') && ev.kv.value.startsWith(head)) {
      shared(sharedLine(ev, def, `${variant} stored`, () => `{"type":"${type}","object":${storedJson(ev.kv, head)!}}\n`));
    } else shared(sharedLine(ev, def, variant, () => JSON.stringify({ type, object: req.encodeObject(obj()) }) + '\n'));
  };

  let converting = Promise.resolve();
  async function deliverConverted(ev: WatchEvent) {
    if (closed) return;
    const now = ev.type === 'delete' ? undefined : decodeObject(ev.kv);
    const before = ev.prevKv ? decodeObject(ev.prevKv, ev.type === 'delete' ? ev.revision : ev.prevKv.modRevision) : undefined;
    const present = [now, before].filter((o): o is KubeObject => o !== undefined);
    const shown = await deps.resources.presentAll(def, present);
    const at = (o: KubeObject | undefined) => (o ? shown[present.indexOf(o)] : undefined);
    deliver(ev, { now: at(now), before: at(before) });
  }

  function failConversion(e: unknown) {
    const apiErr = e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e));
    send('ERROR', apiErr.toStatus());
    finish(apiErr);
  }

  /** `shown`: the event's objects already presented (converted kinds). */
  function deliver(ev: WatchEvent, shown?: { now?: KubeObject; before?: KubeObject }) {
    lastRev = ev.revision;
    const now = shown ? shown.now : sharedNow(ev, def);
    // The state before is decoded only when it is read: an unfiltered watcher's update needs to
    // know only that there was one (most in-process watchers, on every write).
    const hasBefore = shown ? shown.before !== undefined : ev.prevKv !== undefined;
    const f = req.filter;
    const matchNow = now !== undefined && (!f || f(now));
    const matchBefore = hasBefore && (!f || f(stateBefore(ev, def, shown)));
    if (ev.type === 'delete') {
      if (matchBefore) emit(ev, 'DELETED', 'DELETED', () => stateBefore(ev, def, shown));
      return;
    }
    if (matchNow && !hasBefore) emit(ev, 'ADDED', 'ADDED', () => now);
    else if (matchNow && matchBefore) emit(ev, 'MODIFIED', 'MODIFIED', () => now);
    else if (matchNow) emit(ev, 'ADDED', 'ADDED', () => now);
    else if (matchBefore) {
      // Left the selection: clients see it as deleted, carrying the new state's resourceVersion.
      const b = stateBefore(ev, def, shown);
      emit(ev, 'DELETED', 'LEFT', () => ({ ...b, metadata: { ...b.metadata, resourceVersion: String(ev.revision) } }));
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
