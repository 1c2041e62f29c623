// The store's workspace slice: going where a route points (URL, back/forward, the saved
// workspace) and bringing back the dock tabs and the unapplied editor text the host kept.
import type { Workspace, WorkspaceTab } from '../../electron/host/protocol';
import { navSections } from '../k8s/resources';
import type { ApiResource } from '../k8s/types';
import type { AppState } from './app-store';
import { parseRoute, type RouteLoc } from './route';
import type { DockTab, EditorRequest } from './types';

export interface WorkspaceSlice {
  /** The saved workspace (or the URL's route) has been applied: saving starts only then. */
  workspaceReady: boolean;
  /** A route whose kind discovery has not named yet (custom resources). */
  pendingRoute?: RouteLoc;
  /** The editor's text while it differs from what it opened or last applied. */
  editorDraft?: string;
  /** Goes where the route points; false when its profile is not known here. */
  goto(loc: RouteLoc): boolean;
  /** Dock tabs, editor and view from the host's copy; a URL route wins over the saved one. */
  restoreWorkspace(ws: Workspace | undefined, urlRoute?: RouteLoc): boolean;
  setEditorDraft(text: string | undefined): void;
}

type Set = (partial: Partial<AppState> | ((s: AppState) => Partial<AppState>)) => void;

const builtIns = navSections.flatMap((s) => s.items);

export function findResource(discovered: ApiResource[] | undefined, group: string, plural: string): ApiResource | undefined {
  const match = (r: ApiResource) => r.group === group && r.name === plural;
  return discovered?.find(match) ?? builtIns.find(match);
}

/** Where a restore tries to land, in order: the link's route, then the saved one. */
export function landingRoutes(ws: Workspace | undefined, urlRoute?: RouteLoc): RouteLoc[] {
  // The start page is no place to come back to (a start in progress is followed by settle instead).
  return [urlRoute, ws?.route ? parseRoute(ws.route) : undefined].filter((r): r is RouteLoc => !!r && r.view !== 'start');
}

const TAB_TYPES = new Set(['logs', 'shell', 'terminal']);

/** Saved tabs the dock can show again; a pod shell comes back as a new session marked reconnected. */
export function restoredTabs(tabs: WorkspaceTab[]): DockTab[] {
  return tabs
    .filter((t) => TAB_TYPES.has(t.type) && typeof t.title === 'string')
    .map((t) => (t.type === 'shell' ? { ...t, reconnected: true } : t) as unknown as DockTab);
}

export function createWorkspaceSlice(set: Set, get: () => AppState, knownProfile: (name: string) => boolean): WorkspaceSlice {
  return {
    workspaceReady: false,

    goto(loc) {
      if (loc.view === 'start' || !loc.profile) {
        get().showStart();
        return true;
      }
      if (!knownProfile(loc.profile)) return false;
      if (get().profile !== loc.profile) get().selectProfile(loc.profile);
      set({ namespace: loc.namespace, pendingRoute: undefined });
      if (loc.view === 'helm') {
        get().showHelm(loc.release);
        return true;
      }
      if (loc.view === 'map') {
        get().showMap();
        const resource = loc.plural ? findResource(get().discovery[loc.profile]?.resources, loc.group ?? '', loc.plural) : undefined;
        if (resource && loc.object) get().select({ resource, namespace: loc.object.namespace, name: loc.object.name });
        return true;
      }
      if (loc.view === 'overview' || !loc.plural) {
        get().showOverview();
        return true;
      }
      const resource = findResource(get().discovery[loc.profile]?.resources, loc.group ?? '', loc.plural);
      if (!resource) {
        // A custom resource: discovery (started by selectProfile) names it soon.
        set({ pendingRoute: loc });
        return true;
      }
      get().showList(resource);
      get().select(loc.object ? { resource, namespace: loc.object.namespace, name: loc.object.name } : undefined);
      return true;
    },

    restoreWorkspace(ws, urlRoute) {
      const tabs = restoredTabs(ws?.dock?.tabs ?? []);
      const active = tabs.some((t) => t.id === ws?.dock?.active) ? ws?.dock?.active : tabs[0]?.id;
      set({ dock: { tabs, active } });
      const landed = landingRoutes(ws, urlRoute).some((r) => get().goto(r));
      // After the route: navigating closes a clean editor.
      const e = ws?.editor;
      if (e && knownProfile(e.profile)) {
        const editor: EditorRequest = {
          id: 0,
          mode: e.mode,
          profile: e.profile,
          resource: e.resource ? { ...e.resource, shortNames: [] } : undefined,
          namespace: e.namespace,
          name: e.name,
          draft: e.draft,
        };
        set({ editor, editorDraft: e.draft, editorDirty: e.draft !== undefined });
      }
      set({ workspaceReady: true });
      return landed;
    },

    setEditorDraft: (editorDraft) => set({ editorDraft }),
  };
}

/** What the host keeps of the state (scrollback: a pod shell's screen text, by tab id). */
export function workspaceOf(s: AppState, route: string, scrollback: (tabId: string) => string | undefined): Workspace {
  const ws: Workspace = {
    version: 1,
    route,
    dock: {
      tabs: s.dock.tabs.map((t) => {
        const kept: Record<string, unknown> = { ...t };
        delete kept.reconnected; // said again on restore
        const sb = t.type === 'shell' ? (scrollback(t.id) ?? t.scrollback) : undefined;
        if (sb) kept.scrollback = sb;
        return kept as WorkspaceTab;
      }),
      active: s.dock.active,
    },
  };
  if (s.editor) {
    const r = s.editor.resource;
    ws.editor = {
      mode: s.editor.mode,
      profile: s.editor.profile,
      ...(r
        ? { resource: { group: r.group, version: r.version, name: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs } }
        : {}),
      ...(s.editor.namespace !== undefined ? { namespace: s.editor.namespace } : {}),
      ...(s.editor.name !== undefined ? { name: s.editor.name } : {}),
      ...(s.editorDraft !== undefined ? { draft: s.editorDraft } : {}),
    };
  }
  return ws;
}

/** Where the user is, as a route. */
export function routeOf(s: AppState): RouteLoc {
  if (!s.profile || s.view.kind === 'start' || s.view.kind === 'progress') return { view: 'start', namespace: '' };
  if (s.view.kind === 'overview') return { view: 'overview', profile: s.profile, namespace: s.namespace };
  if (s.view.kind === 'helm')
    return { view: 'helm', profile: s.profile, namespace: s.namespace, ...(s.view.release ? { release: s.view.release } : {}) };
  if (s.view.kind === 'map') {
    const o = s.selection;
    return {
      view: 'map',
      profile: s.profile,
      namespace: s.namespace,
      ...(o ? { group: o.resource.group, plural: o.resource.name, object: { namespace: o.namespace, name: o.name } } : {}),
    };
  }
  const r = s.view.resource;
  const sel = s.selection && s.selection.resource.name === r.name && s.selection.resource.group === r.group ? s.selection : undefined;
  return {
    view: 'list',
    profile: s.profile,
    namespace: s.namespace,
    group: r.group,
    plural: r.name,
    ...(sel ? { object: { namespace: sel.namespace, name: sel.name } } : {}),
  };
}
