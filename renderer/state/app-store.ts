// The app's state: host data (app info, local clusters, profiles), where the user is
// (profile, namespace, view, selection), the editor, the dock and the palette.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AppInfo,
  LocalCluster,
  Workspace,
  PortForward,
  ProfileSource,
  ProfileSummary,
  StartClusterRequest,
} from '../../electron/host/protocol';
import type { HostClient } from '../host/host-client';
import type { K8sClient } from '../k8s/client';
import { discover } from '../k8s/discovery';
import { errorText } from '../k8s/errors';
import type { Row } from '../k8s/table-model';
import type { ApiResource } from '../k8s/types';
import type { RouteLoc } from './route';
import { createWorkspaceSlice, type WorkspaceSlice } from './workspace-slice';
import type { DiscoveryState, DockTab, EditorRequest, LogsTab, Selection, Toast, View } from './types';

export interface AppState extends WorkspaceSlice {
  app?: AppInfo;
  hostError?: string;
  hostConnected: boolean;
  loaded: boolean;
  clusters: Record<string, LocalCluster>;
  profiles: ProfileSummary[];
  /** Kubeconfig files and folders read, with their problems (from the 'profile-sources' events). */
  profileSources: ProfileSource[];
  /** The profile whose exec-plugin consent dialog is open. */
  consentFor?: string;
  profile?: string;
  namespace: string;
  view: View;
  /** The cluster whose start the user is watching; on 'running' the app lands on its overview. */
  following?: string;
  selection?: Selection;
  /** The object whose delete confirmation is open (table key d, the palette). */
  deleteRequest?: Selection;
  editor?: EditorRequest;
  /** The editor holds text not applied yet: navigation leaves it open instead of closing it. */
  editorDirty: boolean;
  dock: { tabs: DockTab[]; active?: string };
  paletteOpen: boolean;
  discovery: Record<string, DiscoveryState>;
  toasts: Toast[];
  /** Rows of the list on screen (the palette searches their names). */
  listRows: Row[];
  /** The host's port-forwards (from 'port-forwards' events) and whether their list is open. */
  forwards: PortForward[];
  forwardsOpen: boolean;

  init(): () => void;
  startCluster(req: StartClusterRequest): Promise<void>;
  clusterAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<void>;
  deleteCluster(name: string): Promise<void>;
  selectProfile(profile: string): void;
  askConsent(profile: string | undefined): void;
  /** A profile summary from a POST answer (consent, namespaces): shown before its event arrives. */
  updateProfile(p: ProfileSummary): void;
  setNamespace(ns: string): void;
  showStart(): void;
  showOverview(): void;
  showList(resource: ApiResource, keepEditor?: boolean): void;
  showHelm: (release?: { namespace: string; name: string }) => void;
  select(sel: Selection | undefined): void;
  askDelete(sel: Selection | undefined): void;
  openEditor(req: Omit<EditorRequest, 'id' | 'profile'> & { profile?: string }): void;
  closeEditor(): void;
  setEditorDirty(dirty: boolean): void;
  openTab(tab: DockTab): void;
  closeTab(id: string): void;
  activateTab(id: string): void;
  /** Changes a logs tab's options (kept with the workspace). */
  updateLogsTab: (id: string, patch: Partial<Pick<LogsTab, 'since'>>) => void;
  setPalette(open: boolean): void;
  loadDiscovery(profile: string, force?: boolean): void;
  toast(text: string, tone?: 'ok' | 'bad'): void;
  dismissToast(id: number): void;
  setListRows(rows: Row[]): void;
  setForwardsOpen(open: boolean): void;
}

export type AppStore = StoreApi<AppState>;

export interface AppStoreDeps {
  host: HostClient;
  k8s: (profile: string) => K8sClient;
  /** Runs fn after ms (toasts fading); tests pass a no-op. */
  later?: (fn: () => void, ms: number) => void;
  /** The host's saved workspace and the URL's route, applied after the first load (see workspace-slice.ts). */
  workspace?: { load(): Promise<Workspace | undefined>; route?: RouteLoc };
}

/** The profile that reaches a local cluster (its kubeconfig context name). */
export const localProfile = (c: LocalCluster) => c.profile || `skiff-${c.name}`;

export function createAppStore(deps: AppStoreDeps): AppStore {
  let nextId = 1;
  return createStore<AppState>()((set, get) => {
    const setCluster = (c: LocalCluster) => {
      set((s) => ({ clusters: { ...s.clusters, [c.name]: c } }));
      const s = get();
      if (s.following === c.name && c.state === 'running') {
        set({ following: undefined, profile: localProfile(c), view: { kind: 'overview' }, selection: undefined });
        get().loadDiscovery(localProfile(c), true);
      } else if (s.loaded && !s.profile && !s.following && s.view.kind === 'start' && c.state !== 'stopped') {
        // On the first-run screen a cluster started elsewhere (`skiff start`, another window) is followed.
        settle();
      }
    };

    /**
     * A cluster snapshot from a POST answer: kept only if no event about the cluster arrived
     * while the request ran (events are newer). Shows the progress view unless it already ran.
     */
    const adopt = (c: LocalCluster, before: LocalCluster | undefined) => {
      if (get().clusters[c.name] === before) setCluster(c);
      if (get().following === c.name) set({ following: c.name, view: { kind: 'progress', cluster: c.name } });
    };

    /** A cluster is gone (deleted here, or elsewhere): if it was on screen, move on. */
    const forget = (name: string) => {
      const s = get();
      const gone = s.clusters[name];
      const profile = gone ? localProfile(gone) : `skiff-${name}`;
      const { [name]: _gone, ...rest } = s.clusters;
      set({ clusters: rest, ...(s.following === name ? { following: undefined } : {}) });
      const viewing = s.profile === profile || (s.view.kind === 'progress' && s.view.cluster === name);
      if (!viewing) return;
      set({ profile: undefined, selection: undefined });
      const other = get().profiles.find((p) => p.status === 'ready' && p.name !== profile);
      const running = Object.values(get().clusters).find((c) => c.state === 'running');
      if (running) get().selectProfile(localProfile(running));
      else if (other) get().selectProfile(other.name);
      else set({ view: { kind: 'start' } });
    };

    /** After the first load: pick a profile, follow a start in progress, or show first run. */
    const settle = () => {
      const s = get();
      if (s.profile || s.following) return;
      const clusters = Object.values(s.clusters);
      const starting = clusters.find((c) => c.state === 'starting');
      const running = clusters.find((c) => c.state === 'running');
      const ready = s.profiles.find((p) => p.status === 'ready');
      if (running) set({ profile: localProfile(running), view: { kind: 'overview' } });
      else if (ready) set({ profile: ready.name, view: { kind: 'overview' } });
      else if (starting) set({ following: starting.name, view: { kind: 'progress', cluster: starting.name } });
      else if (s.profiles[0]) set({ profile: s.profiles[0].name, view: { kind: 'overview' } });
      else set({ view: { kind: 'start' } });
      const p = get().profile;
      if (p) get().loadDiscovery(p);
    };

    /** Navigating closes a clean editor; one with unapplied text stays open (nothing typed is lost). */
    const leaveEditor = () => (get().editorDirty ? {} : { editor: undefined });

    const fail = (what: string) => (e: unknown) => get().toast(`${what}: ${errorText(e)}`, 'bad');

    const known = (name: string) =>
      get().profiles.some((p) => p.name === name) || Object.values(get().clusters).some((c) => localProfile(c) === name);

    return {
      ...createWorkspaceSlice(set, get, known),
      hostConnected: false,
      loaded: false,
      clusters: {},
      profiles: [],
      profileSources: [],
      namespace: '',
      view: { kind: 'start' },
      dock: { tabs: [] },
      paletteOpen: false,
      editorDirty: false,
      discovery: {},
      toasts: [],
      listRows: [],
      forwards: [],
      forwardsOpen: false,

      init() {
        const stop = deps.host.subscribe(
          (ev) => {
            if (ev.type === 'cluster') setCluster(ev.cluster);
            else if (ev.type === 'cluster-deleted') forget(ev.name);
            else if (ev.type === 'profiles') set({ profiles: ev.profiles });
            else if (ev.type === 'port-forwards') set({ forwards: ev.forwards });
            else if (ev.type === 'profile-sources') set({ profileSources: ev.sources });
          },
          (connected) => set({ hostConnected: connected }),
        );
        const saved = deps.workspace ? deps.workspace.load().catch(() => undefined) : Promise.resolve(undefined);
        Promise.all([deps.host.app(), deps.host.clusters(), deps.host.profiles(), saved]).then(
          ([app, clusters, profiles, ws]) => {
            set((s) => ({
              app,
              profiles,
              clusters: { ...Object.fromEntries(clusters.map((c) => [c.name, c])), ...s.clusters },
              loaded: true,
              hostError: undefined,
            }));
            // A link or the saved workspace decides where to land; else the usual choice.
            const landed = get().restoreWorkspace(ws, deps.workspace?.route);
            if (!landed) settle();
            else if (get().profile) get().loadDiscovery(get().profile!);
          },
          (e) => set({ hostError: errorText(e), loaded: true }),
        );
        return stop;
      },

      async startCluster(req) {
        // Follow before asking: progress events may arrive before the POST answers.
        const name = req.name;
        const before = name ? get().clusters[name] : undefined;
        if (name) set({ following: name, selection: undefined });
        try {
          const c = await deps.host.startCluster(req);
          adopt(c, before);
        } catch (e) {
          if (name && get().following === name) set({ following: undefined });
          fail('Could not start the cluster')(e);
          throw e;
        }
      },

      async clusterAction(name, action) {
        const before = get().clusters[name];
        if (action !== 'stop') set({ following: name, selection: undefined });
        try {
          const c = await deps.host.clusterAction(name, action);
          adopt(c, before);
          if (action === 'stop') get().toast(`Stopped cluster ${name}`, 'ok');
        } catch (e) {
          if (get().following === name) set({ following: undefined });
          fail(`Could not ${action} cluster ${name}`)(e);
        }
      },

      async deleteCluster(name) {
        try {
          await deps.host.deleteCluster(name);
          forget(name);
          get().toast(`Deleted cluster ${name}`, 'ok');
        } catch (e) {
          fail(`Could not delete cluster ${name}`)(e);
        }
      },

      selectProfile(profile) {
        set({ profile, view: { kind: 'overview' }, selection: undefined, namespace: '', following: undefined, ...leaveEditor() });
        // Its credentials run a command not allowed yet: ask first (nothing runs before).
        const exec = get().profiles.find((p) => p.name === profile)?.exec;
        if (exec && !exec.consented) set({ consentFor: profile });
        get().loadDiscovery(profile);
      },
      askConsent: (consentFor) => set({ consentFor }),
      updateProfile: (p) => set((s) => ({ profiles: s.profiles.map((x) => (x.name === p.name ? p : x)) })),
      setNamespace: (namespace) => set({ namespace }),
      showStart: () => set({ view: { kind: 'start' }, selection: undefined, following: undefined, ...leaveEditor() }),
      showOverview: () => set({ view: { kind: 'overview' }, selection: undefined, ...leaveEditor() }),
      showList: (resource, keepEditor = false) =>
        set((s) => ({
          view: { kind: 'list', resource },
          selection:
            s.selection?.resource.name === resource.name && s.selection.resource.group === resource.group ? s.selection : undefined,
          ...(keepEditor ? {} : leaveEditor()),
        })),
      showHelm: (release) => set({ view: { kind: 'helm', release }, selection: undefined, ...leaveEditor() }),
      select: (selection) => set({ selection }),
      askDelete: (deleteRequest) => set({ deleteRequest }),
      openEditor(req) {
        const profile = req.profile ?? get().profile;
        if (!profile) return;
        set({ editor: { ...req, profile, id: nextId++ }, editorDirty: false, editorDraft: undefined });
      },
      closeEditor: () => set({ editor: undefined, editorDirty: false, editorDraft: undefined }),
      setEditorDirty: (editorDirty) => set({ editorDirty }),
      openTab(tab) {
        set((s) => ({ dock: { tabs: s.dock.tabs.some((t) => t.id === tab.id) ? s.dock.tabs : [...s.dock.tabs, tab], active: tab.id } }));
      },
      closeTab(id) {
        set((s) => {
          const i = s.dock.tabs.findIndex((t) => t.id === id);
          const tabs = s.dock.tabs.filter((t) => t.id !== id);
          const active = s.dock.active === id ? tabs[Math.min(i, tabs.length - 1)]?.id : s.dock.active;
          return { dock: { tabs, active } };
        });
      },
      activateTab: (id) => set((s) => ({ dock: { ...s.dock, active: id } })),
      updateLogsTab: (id, patch) =>
        set((s) => ({ dock: { ...s.dock, tabs: s.dock.tabs.map((t) => (t.id === id && t.type === 'logs' ? { ...t, ...patch } : t)) } })),
      setPalette: (paletteOpen) => set({ paletteOpen }),

      loadDiscovery(profile, force = false) {
        const cur = get().discovery[profile];
        if (cur && (cur.loading || (!force && !cur.error && cur.resources.length))) return;
        set((s) => ({ discovery: { ...s.discovery, [profile]: { resources: cur?.resources ?? [], loading: true } } }));
        const client = deps.k8s(profile);
        discover((path) => client.getJson(path)).then(
          (d) => {
            set((s) => ({ discovery: { ...s.discovery, [profile]: { resources: d.resources, loading: false, failures: d.failures } } }));
            const pending = get().pendingRoute;
            if (pending?.profile === profile && get().profile === profile) get().goto(pending);
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

      toast(text, tone = 'ok') {
        const id = nextId++;
        set((s) => ({ toasts: [...s.toasts.slice(-3), { id, text, tone }] }));
        (deps.later ?? setTimeout)(() => get().dismissToast(id), tone === 'bad' ? 12_000 : 4000);
      },
      dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
      setListRows: (listRows) => set({ listRows }),
      setForwardsOpen: (forwardsOpen) => set({ forwardsOpen }),
    };
  });
}
