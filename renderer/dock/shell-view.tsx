// A pod shell in xterm.js: keystrokes to stdin, output from stdout/stderr, resize on fit,
// a line when the process exits and a Reconnect button. Container picker for multi-container pods.
import { useEffect, useRef, useState } from 'react';
import { execPath } from '../k8s/exec-channel';
import type { ShellTab } from '../state/types';
import { useServices } from '../state/services';
import { openExec, type ExecSession } from './exec-session';
import { TerminalFind } from './terminal-find';
import { useXterm } from './use-xterm';

export function ShellView({ tab, active }: { tab: ShellTab; active: boolean }) {
  const { k8s, wsOrigin, socket } = useServices();
  const host = useRef<HTMLDivElement>(null);
  const session = useRef<ExecSession | undefined>(undefined);
  const xterm = useXterm(host, session);
  const [container, setContainer] = useState(tab.containers[0] ?? '');
  const [state, setState] = useState<'connecting' | 'open' | 'exited'>('connecting');
  const [generation, setGeneration] = useState(0);

  // Connect (again on container change or Reconnect).
  useEffect(() => {
    const t = xterm.current!.term;
    if (generation > 0 || container !== tab.containers[0]) t.reset();
    setState('connecting');
    const url = wsOrigin + execPath(k8s(tab.profile).base, tab.namespace, tab.pod, container);
    const s = openExec(
      url,
      {
        onOpen: () => {
          setState('open');
          xterm.current?.fitIfShown();
          session.current?.resize(t.cols, t.rows);
          if (active) t.focus();
        },
        onOutput: (data) => t.write(data),
        onExit: (info) => {
          setState('exited');
          t.write(
            `\r\n\x1b[2m[process exited with code ${info.code}]${info.message && info.code !== 0 ? ` ${info.message}` : ''}\x1b[0m\r\n`,
          );
        },
      },
      socket,
    );
    session.current = s;
    return () => {
      s.close();
      if (session.current === s) session.current = undefined;
    };
  }, [generation, container]); // eslint-disable-line react-hooks/exhaustive-deps -- a new exec session only on reconnect or another container

  // A tab that becomes visible again gets its size back (hidden panes measure 0×0).
  useEffect(() => {
    if (!active) return;
    requestAnimationFrame(() => {
      xterm.current?.fit.fit();
      xterm.current?.term.focus();
    });
  }, [active]);

  return (
    <div className="dock-pane" hidden={!active} data-testid="terminal" data-title={tab.title} data-state={state}>
      <div className="pane-toolbar">
        <span className="muted">
          {tab.namespace}/{tab.pod}
        </span>
        {tab.containers.length > 1 && (
          <select data-testid="shell-container" aria-label="Container" value={container} onChange={(e) => setContainer(e.target.value)}>
            {tab.containers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
        <span className={state === 'open' ? 'tone-ok' : state === 'exited' ? 'muted' : 'tone-warn'}>
          {state === 'open' ? 'connected' : state === 'exited' ? 'exited' : 'connecting…'}
        </span>
        {state === 'exited' && (
          <button data-testid="reconnect-button" onClick={() => setGeneration((g) => g + 1)}>
            Reconnect
          </button>
        )}
        <span className="spacer" />
        <TerminalFind search={() => xterm.current?.search} />
      </div>
      <div className="terminal-host" ref={host} />
    </div>
  );
}
