// The app's state, composed of slices (one file each): host data, navigation, editor, dock,
// toasts and the workspace. Each slice gets the store's set/get and these deps.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LocalCluster, Workspace } from '../../electron/host/protocol';
import type { HostClient } from '../host/host-client';
import type { K8sClient } from '../k8s/client';
import type { DiscoveryCache } from '../k8s/discovery-cache';
import { createDockSlice, type DockSlice } from './dock-slice';
import { createEditorSlice, type EditorSlice } from './editor-slice';
import { createHostSlice, localProfile, type HostSlice } from './host-slice';
import { createNavigationSlice, type NavigationSlice } from './navigation-slice';
import type { RouteLoc } from './route';
import type { SliceContext } from './slice-context';
import { createToastSlice, type ToastSlice } from './toast-slice';
import { createWorkspaceSlice, type WorkspaceSlice } from './workspace-slice';

export { localProfile };

export interface AppState extends HostSlice, NavigationSlice, EditorSlice, DockSlice, ToastSlice, WorkspaceSlice {}

export type AppStore = StoreApi<AppState>;

export interface AppStoreDeps {
  host: HostClient;
  k8s: (profile: string) => K8sClient;
  /** Runs fn after ms (toasts fading, discovery read again after a reload); tests pass a no-op. */
  later?: (fn: () => void, ms: number) => void;
  /** The host's saved workspace and the URL's route, applied after the first load (see workspace-slice.ts). */
  workspace?: { load(): Promise<Workspace | undefined>; route?: RouteLoc };
  /** Discovery kept across reloads of this tab (sessionStorage); without it every load asks the server. */
  discoveryCache?: DiscoveryCache;
}

export function createAppStore(deps: AppStoreDeps): AppStore {
  let id = 1;
  return createStore<AppState>()((set, get) => {
    const ctx: SliceContext = { set, get, deps, nextId: () => id++ };
    const known = (name: string) =>
      get().profiles.some((p) => p.name === name) || Object.values(get().clusters).some((c: LocalCluster) => localProfile(c) === name);
    return {
      ...createHostSlice(ctx),
      ...createNavigationSlice(ctx),
      ...createEditorSlice(ctx),
      ...createDockSlice(ctx),
      ...createToastSlice(ctx),
      ...createWorkspaceSlice(set, get, known),
    };
  });
}
