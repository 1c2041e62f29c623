// The store's navigation slice: where the user is (profile, namespace, view, selection),
// the start being followed, the palette, and each profile's discovered resources.
import { discover } from '../k8s/discovery';
import { errorText } from '../k8s/errors';
import type { Row } from '../k8s/table-model';
import type { ApiResource } from '../k8s/types';
import { leaveEditor } from './editor-slice';
import type { SliceContext } from './slice-context';
import type { DiscoveryState, Selection, View } from './types';

/** How soon after a reload discovery kept in the tab is read again from the server. */
const DISCOVERY_RECHECK_MS = 3000;

export interface NavigationSlice {
  profile?: string;
  namespace: string;
  view: View;
  /** The cluster whose start the user is watching; on 'running' the app lands on its overview. */
  following?: string;
  selection?: Selection;
  /** The object whose delete confirmation is open (table key d, the palette). */
  deleteRequest?: Selection;
  paletteOpen: boolean;
  discovery: Record<string, DiscoveryState>;
  /** Rows of the list on screen (the palette searches their names). */
  listRows: Row[];

  selectProfile(profile: string): void;
  setNamespace(ns: string): void;
  showStart(): void;
  showOverview(): void;
  showList(resource: ApiResource, keepEditor?: boolean): void;
  showHelm: (release?: { namespace: string; name: string }) => void;
  showMap: () => void;
  select(sel: Selection | undefined): void;
  askDelete(sel: Selection | undefined): void;
  setPalette(open: boolean): void;
  loadDiscovery(profile: string, force?: boolean): void;
  setListRows(rows: Row[]): void;
}

export function createNavigationSlice({ set, get, deps }: SliceContext): NavigationSlice {
  return {
    namespace: '',
    view: { kind: 'start' },
    paletteOpen: false,
    discovery: {},
    listRows: [],

    selectProfile(profile) {
      set({ profile, view: { kind: 'overview' }, selection: undefined, namespace: '', following: undefined, ...leaveEditor(get()) });
      // Its credentials run a command not allowed yet: ask first (nothing runs before).
      const exec = get().profiles.find((p) => p.name === profile)?.exec;
      if (exec && !exec.consented) set({ consentFor: profile });
      get().loadDiscovery(profile);
    },
    setNamespace: (namespace) => set({ namespace }),
    showStart: () => set({ view: { kind: 'start' }, selection: undefined, following: undefined, ...leaveEditor(get()) }),
    showOverview: () => set({ view: { kind: 'overview' }, selection: undefined, ...leaveEditor(get()) }),
    showList: (resource, keepEditor = false) =>
      set((s) => ({
        view: { kind: 'list', resource },
        selection: s.selection?.resource.name === resource.name && s.selection.resource.group === resource.group ? s.selection : undefined,
        ...(keepEditor ? {} : leaveEditor(s)),
      })),
    showHelm: (release) => set({ view: { kind: 'helm', release }, selection: undefined, ...leaveEditor(get()) }),
    showMap: () => set({ view: { kind: 'map' }, selection: undefined, ...leaveEditor(get()) }),
    select: (selection) => set({ selection }),
    askDelete: (deleteRequest) => set({ deleteRequest }),
    setPalette: (paletteOpen) => set({ paletteOpen }),

    loadDiscovery(profile, force = false) {
      const cur = get().discovery[profile];
      if (cur && (cur.loading || (!force && !cur.error && cur.resources.length))) return;
      const resolvePending = () => {
        const pending = get().pendingRoute;
        if (pending?.profile === profile && get().profile === profile) get().goto(pending);
      };
      // A reload: the kinds this tab saw are shown at once, and read again once the view has painted.
      const kept = cur ? undefined : deps.discoveryCache?.get(profile);
      if (kept) {
        set((s) => ({ discovery: { ...s.discovery, [profile]: { resources: kept, loading: false } } }));
        resolvePending();
        (deps.later ?? setTimeout)(() => get().loadDiscovery(profile, true), DISCOVERY_RECHECK_MS);
        return;
      }
      set((s) => ({ discovery: { ...s.discovery, [profile]: { resources: cur?.resources ?? [], loading: true } } }));
      const client = deps.k8s(profile);
      discover((path, accept) => client.getJson(path, { accept })).then(
        (d) => {
          set((s) => ({ discovery: { ...s.discovery, [profile]: { resources: d.resources, loading: false, failures: d.failures } } }));
          if (!d.failures.length) deps.discoveryCache?.set(profile, d.resources);
          resolvePending();
        },
        (e) => {
          if (get().pendingRoute?.profile === profile) set({ pendingRoute: undefined });
          set((s) => ({
            discovery: { ...s.discovery, [profile]: { resources: cur?.resources ?? [], loading: false, error: errorText(e) } },
          }));
          // The proxy's 401 when a plugin needs consent (e.g. its command changed since).
          if ((e as { reason?: unknown })?.reason === 'ExecConsentRequired' && get().profile === profile) set({ consentFor: profile });
        },
      );
    },
    setListRows: (listRows) => set({ listRows }),
  };
}
