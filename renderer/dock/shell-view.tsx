// A pod shell in xterm.js: keystrokes to stdin, output from stdout/stderr, resize on fit,
// a line when the process exits and a Reconnect button. Container picker for multi-container pods.
import type { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { execPath } from '../k8s/exec-channel';
import type { ShellTab } from '../state/types';
import { useServices } from '../state/services';
import { openExec, type ExecSession } from './exec-session';
import { TerminalFind } from './terminal-find';
import { focusTerminal, useXterm } from './use-xterm';

export function ShellView({ tab, active }: { tab: ShellTab; active: boolean }) {
  const { k8s, wsOrigin, socket, scrollback } = useServices();
  const host = useRef<HTMLDivElement>(null);
  const session = useRef<ExecSession | undefined>(undefined);
  const xterm = useXterm(host, session);
  const [container, setContainer] = useState(tab.containers[0] ?? '');
  const [state, setState] = useState<'connecting' | 'open' | 'exited'>('connecting');
  const [generation, setGeneration] = useState(0);

  // The workspace keeps the screen text, so a restart shows it again above the new session.
  useEffect(() => {
    scrollback.set(tab.id, () => screenText(xterm.current?.term));
    return () => void scrollback.delete(tab.id);
  }, [tab.id, scrollback, xterm]);

  // Connect (again on container change or Reconnect).
  useEffect(() => {
    const t = xterm.current!.term;
    if (generation > 0 || container !== tab.containers[0]) t.reset();
    else if (tab.scrollback) t.write(`${tab.scrollback.replace(/\n/g, '\r\n')}\r\n\x1b[2m[reconnected: a new shell session]\x1b[0m\r\n`);
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
      focusTerminal(xterm.current);
    });
  }, [active]);

  return (
    <div
      className="dock-pane"
      hidden={!active}
      data-testid="terminal"
      data-title={tab.title}
      data-state={state}
      data-reconnected={tab.reconnected ? 'true' : undefined}
    >
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
        {tab.reconnected && (
          <span
            className="tag"
            data-testid="shell-reconnected"
            title="Restored after a reload or restart: a new session under the kept screen text"
          >
            reconnected
          </span>
        )}
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

const MAX_SCROLLBACK = 16_000;

/** The terminal's last lines as text (trailing blanks dropped), at most 16,000 characters. */
function screenText(term: Terminal | undefined): string {
  if (!term) return '';
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = Math.max(0, buf.length - 300); i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  const text = lines.join('\n');
  return text.length > MAX_SCROLLBACK ? text.slice(text.length - MAX_SCROLLBACK) : text;
}
