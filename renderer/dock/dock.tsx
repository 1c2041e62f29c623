// The bottom dock: tabs of logs and shells that survive navigation. Hidden tabs stay
// mounted (their streams and terminals keep running); only the active one is shown.
// The tab strip follows the WAI-ARIA tabs pattern: the tablist holds only tabs (arrow keys,
// Home/End move, Delete closes); each × is a mouse affordance beside its tab, outside the
// accessibility tree, since a button may not sit inside a tab nor a tablist.
// Terminals (xterm.js) are a chunk of their own, loaded when the first shell or terminal tab shows.
import { lazy, Suspense, useState, type KeyboardEvent } from 'react';
import { useApp } from '../state/services';
import type { DockTab } from '../state/types';
import { LogView } from './log-view';
import { localTerminalTab } from './open-terminal';

const ShellView = lazy(() => import('./shell-view').then((m) => ({ default: m.ShellView })));
const LocalTerminalView = lazy(() => import('./local-terminal-view').then((m) => ({ default: m.LocalTerminalView })));

const icon = (t: DockTab) => (t.type === 'shell' ? '❯_' : t.type === 'terminal' ? '$' : '≡');
const tabId = (t: DockTab) => `dock-tab-${t.id}`;
const panelId = (t: DockTab) => `dock-panel-${t.id}`;

export function Dock() {
  const tabs = useApp((s) => s.dock.tabs);
  const active = useApp((s) => s.dock.active);
  const activate = useApp((s) => s.activateTab);
  const closeTab = useApp((s) => s.closeTab);
  const openTab = useApp((s) => s.openTab);
  const profile = useApp((s) => s.profile);
  const [collapsed, setCollapsed] = useState(false);
  if (!tabs.length) return null;
  const show = (id: string) => {
    activate(id);
    setCollapsed(false);
  };
  const focusTab = (t: DockTab) => {
    show(t.id);
    // After React re-renders the roving tabindex, move focus to the newly active tab.
    requestAnimationFrame(() => document.getElementById(tabId(t))?.focus());
  };
  const onKey = (e: KeyboardEvent, i: number) => {
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusTab(tabs[(to + tabs.length) % tabs.length]);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      const next = tabs[i + 1] ?? tabs[i - 1];
      closeTab(tabs[i].id);
      if (next) focusTab(next);
    }
  };
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  return (
    <section className={`dock${collapsed ? ' collapsed' : ''}`} data-testid="dock" aria-label="Dock">
      <div className="dock-tabs">
        <div className="dock-tablist" role="tablist" aria-label="Logs and shells">
          {tabs.map((t, i) => (
            <div key={t.id} className={`dock-tab${t.id === active ? ' active' : ''}`}>
              <button
                id={tabId(t)}
                className="dock-tab-label"
                role="tab"
                aria-selected={t.id === active}
                aria-controls={panelId(t)}
                aria-keyshortcuts="Delete"
                tabIndex={t.id === current.id ? 0 : -1}
                title={`${t.title} (Delete closes)`}
                data-testid="dock-tab"
                data-title={t.title}
                data-type={t.type}
                // A click leaves focus where the shown pane puts it (a terminal takes it), as before.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => show(t.id)}
                onKeyDown={(e) => onKey(e, i)}
              >
                {icon(t)} {t.title}
              </button>
              <button
                className="close"
                data-testid="dock-tab-close"
                aria-hidden="true"
                tabIndex={-1}
                title={`Close ${t.title}`}
                onClick={() => closeTab(t.id)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
        {profile && (
          <button
            className="ghost"
            data-testid="dock-new-terminal"
            title="New local terminal"
            aria-label="New local terminal"
            onClick={() => {
              openTab(localTerminalTab(profile));
              setCollapsed(false);
            }}
          >
            +
          </button>
        )}
        <span className="spacer" />
        <button className="ghost" aria-label={collapsed ? 'Expand dock' : 'Collapse dock'} onClick={() => setCollapsed(!collapsed)}>
          {collapsed ? '▴' : '▾'}
        </button>
      </div>
      <div className="dock-body" hidden={collapsed}>
        {tabs.map((t) => {
          const shown = t.id === active && !collapsed;
          return (
            <div key={t.id} className="dock-panel" role="tabpanel" id={panelId(t)} aria-labelledby={tabId(t)} hidden={!shown}>
              {t.type === 'logs' ? (
                <LogView tab={t} active={shown} />
              ) : (
                <Suspense fallback={<div className="dock-pane muted">Loading terminal…</div>}>
                  {t.type === 'terminal' ? <LocalTerminalView tab={t} active={shown} /> : <ShellView tab={t} active={shown} />}
                </Suspense>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
