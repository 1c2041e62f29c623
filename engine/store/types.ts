// The store contract, shaped like etcd v3 / kine: one global integer revision that every
// write bumps, compare-and-swap on a key's modRevision, watch from a revision, compaction.
// Values are opaque strings (the API server stores JSON text).

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (unchanged by updates). */
  createRevision: number;
  /** Revision of the last write to this key. Used as the object's resourceVersion. */
  modRevision: number;
}

export interface ListOptions {
  /** Keys that start with this prefix. */
  prefix: string;
  /** Return keys strictly greater than this (for continue tokens). */
  after?: string;
  /** At most this many items; 0 or undefined = all. */
  limit?: number;
  /** Read as of this revision (0/undefined = latest). Throws CompactedError when compacted. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** True when more keys follow the last returned item. */
  more: boolean;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /** For put: the new value. For delete: the last value, with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event (undefined for a create). */
  prevKv?: KeyValue;
  /** Revision of this event. */
  revision: number;
}

export interface Watcher {
  close(): void;
}

export interface WatchOptions {
  prefix: string;
  /** Deliver every event with revision > afterRevision. */
  afterRevision: number;
  onEvents(events: WatchEvent[]): void;
  /** Called once if the watch cannot continue (CompactedError when afterRevision is compacted). */
  onError(err: Error): void;
}

export interface Store {
  /** Current (latest) revision. */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  list(opts: ListOptions): Promise<ListResult>;
  /** Optional: the latest keys and revisions under a prefix, without values (lets callers serve
   *  values they already hold for the same modRevision). Same paging as list. */
  listRevisions?(opts: Omit<ListOptions, 'revision'>): Promise<{ items: Omit<KeyValue, 'value'>[]; revision: number; more: boolean }>;
  /** Count keys under a prefix at the latest revision. */
  count(prefix: string): Promise<number>;
  /** Creates; throws KeyExistsError if present. Returns the new KeyValue. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Replaces when the key's modRevision equals expectedModRevision; else ConflictError (with current). NotFoundError when absent. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes (only when modRevision matches, if given). Returns the deleted kv and the delete revision. */
  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; revision: number }>;
  watch(opts: WatchOptions): Watcher;
  /** Forget history at or below revision. Lists/watches from older revisions then fail with CompactedError. */
  compact(revision: number): Promise<void>;
  /**
   * The compacted revision C (0 if never compacted). Clarified by the store implementation:
   * list at revision <= C throws CompactedError; watch with afterRevision >= C works (it needs
   * only events > C), afterRevision < C fails. compact(R) with R below the latest revision
   * makes C = R on both backends; R above it is clamped to the latest revision.
   */
  compactedRevision(): Promise<number>;
  /**
   * Optional: writes a consistent copy of the whole store to `file` while it serves (SQLite's
   * online backup API; etcd's maintenance snapshot). Returns the revision it holds.
   */
  snapshot?(file: string): Promise<{ revision: number }>;
  close(): Promise<void>;
}

export class StoreError extends Error {}
export class KeyExistsError extends StoreError {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}
export class NotFoundError extends StoreError {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}
export class ConflictError extends StoreError {
  constructor(
    readonly key: string,
    readonly current?: KeyValue,
  ) {
    super(`modRevision mismatch: ${key}`);
  }
}
export class CompactedError extends StoreError {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`revision ${requested} has been compacted (oldest available ${compacted + 1})`);
  }
}
export class UnavailableError extends StoreError {}
/** The store's disk (or etcd's quota) is full: nothing was written; reads and watches go on. */
export class StoreFullError extends StoreError {
  constructor(readonly where: string) {
    super(
      `the cluster's store is full (database space exceeded): no space left for ${where}; ` +
        'nothing was written — free some space there and retry',
    );
  }
}
