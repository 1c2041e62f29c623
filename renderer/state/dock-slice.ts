// The store's dock slice: the tabs under the main view (logs, pod shells, local terminals).
import type { SliceContext } from './slice-context';
import type { DockTab, LogsTab } from './types';

export interface DockSlice {
  dock: { tabs: DockTab[]; active?: string };
  openTab(tab: DockTab): void;
  closeTab(id: string): void;
  activateTab(id: string): void;
  /** Changes a logs tab's options (kept with the workspace). */
  updateLogsTab: (id: string, patch: Partial<Pick<LogsTab, 'since'>>) => void;
}

export function createDockSlice({ set }: SliceContext): DockSlice {
  return {
    dock: { tabs: [] },
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
  };
}
