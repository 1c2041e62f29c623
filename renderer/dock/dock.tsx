// The bottom dock: tabs of logs and shells that survive navigation. Hidden tabs stay
// mounted (their streams and terminals keep running); only the active one is shown.
import { useState } from 'react';
import { useApp } from '../state/services';
import { LocalTerminalView } from './local-terminal-view';
import { LogView } from './log-view';
import { localTerminalTab } from './open-terminal';
import { ShellView } from './shell-view';

export function Dock() {
  const tabs = useApp((s) => s.dock.tabs);
  const active = useApp((s) => s.dock.active);
  const activate = useApp((s) => s.activateTab);
  const closeTab = useApp((s) => s.closeTab);
  const openTab = useApp((s) => s.openTab);
  const profile = useApp((s) => s.profile);
  const [collapsed, setCollapsed] = useState(false);
  if (!tabs.length) return null;
  return (
    <section className={`dock${collapsed ? ' collapsed' : ''}`} data-testid="dock">
      <div className="dock-tabs" role="tablist">
        {tabs.map((t) => (
          <div
            key={t.id}
            className={`dock-tab${t.id === active ? ' active' : ''}`}
            role="tab"
            aria-selected={t.id === active}
            data-testid="dock-tab"
            data-title={t.title}
            data-type={t.type}
            onClick={() => {
              activate(t.id);
              setCollapsed(false);
            }}
          >
            <span>
              {t.type === 'shell' ? '❯_' : t.type === 'terminal' ? '$' : '≡'} {t.title}
            </span>
            <button
              className="close"
              data-testid="dock-tab-close"
              aria-label={`Close ${t.title}`}
              onClick={(e) => {
                e.stopPropagation();
                closeTab(t.id);
              }}
            >
              ×
            </button>
          </div>
        ))}
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
        {tabs.map((t) =>
          t.type === 'logs' ? (
            <LogView key={t.id} tab={t} active={t.id === active && !collapsed} />
          ) : t.type === 'terminal' ? (
            <LocalTerminalView key={t.id} tab={t} active={t.id === active && !collapsed} />
          ) : (
            <ShellView key={t.id} tab={t} active={t.id === active && !collapsed} />
          ),
        )}
      </div>
    </section>
  );
}
