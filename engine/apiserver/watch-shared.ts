// What watchers of one committed event can share. The embedded store hands every live watcher
// the same event objects (store/watch-hub.ts), so the stored JSON is parsed once per event, not
// once per watcher, and the wire line of a plain JSON watch is made once per kind version and
// event type. Watchers keep their own filters, bookmarks and Table rows; events that come to
// each watcher as its own objects (history replay, etcd streams) are simply not shared.
// The objects handed out are shared: nobody may change them (copy first, as the in-process
// client's structuredClone does).
import type { KindDef, KubeObject } from '../kinds/types';
import type { WatchEvent } from '../store/types';
import { decodeObject } from './storage-keys';
import { withKind } from './object-meta';

interface Entry {
  /** Decoded once: the new state (puts), the state before (when the store kept it). */
  now?: KubeObject;
  before?: KubeObject;
  /** Per kind version: the objects as that version shows them, and wire lines by variant. */
  byDef?: Map<KindDef, { now?: KubeObject; before?: KubeObject; lines: Map<string, string> }>;
}

const entries = new WeakMap<WatchEvent, Entry>();

function entryOf(ev: WatchEvent): Entry {
  let e = entries.get(ev);
  if (!e) entries.set(ev, (e = {}));
  return e;
}

function forDef(ev: WatchEvent, def: KindDef) {
  const e = entryOf(ev);
  e.byDef ??= new Map();
  let d = e.byDef.get(def);
  if (!d) e.byDef.set(def, (d = { lines: new Map() }));
  return d;
}

/** The event's new state as `def`'s version shows it (undefined for a delete). Shared: read only. */
export function sharedNow(ev: WatchEvent, def: KindDef): KubeObject | undefined {
  if (ev.type === 'delete') return undefined;
  const d = forDef(ev, def);
  if (!d.now) {
    const e = entryOf(ev);
    e.now ??= decodeObject(ev.kv);
    d.now = withKind(def, e.now);
  }
  return d.now;
}

/**
 * The state before the event as `def`'s version shows it (a delete's carries the delete's
 * revision); undefined when the store kept none. Shared: read only.
 */
export function sharedBefore(ev: WatchEvent, def: KindDef): KubeObject | undefined {
  if (!ev.prevKv) return undefined;
  const d = forDef(ev, def);
  if (!d.before) {
    const e = entryOf(ev);
    e.before ??= decodeObject(ev.prevKv, ev.type === 'delete' ? ev.revision : ev.prevKv.modRevision);
    d.before = withKind(def, e.before);
  }
  return d.before;
}

/** The wire line for this event, `def`'s version and `variant` (the event type and which state), made once. */
export function sharedLine(ev: WatchEvent, def: KindDef, variant: string, make: () => string): string {
  const lines = forDef(ev, def).lines;
  let line = lines.get(variant);
  if (line === undefined) lines.set(variant, (line = make()));
  return line;
}
