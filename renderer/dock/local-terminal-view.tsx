// A local terminal tab: the user's shell on this machine (node-pty in the host) with
// KUBECONFIG pointing at the tab's profile. Same xterm setup as pod shells: fit, resize,
// search, a line when the shell exits and Reconnect. When the host refuses (no node-pty,
// unknown profile) the tab asks it why and shows that.
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorText } from '../k8s/errors';
import { createForwardsClient, localTerminalPath } from '../host/forwards-client';
import type { TerminalTab } from '../state/types';
import { useServices } from '../state/services';
import { openLocalTerminal, type LocalTerminalSession, type SocketLike } from './local-terminal-session';
import { TerminalFind } from './terminal-find';
import { focusTerminal, useXterm } from './use-xterm';

export function LocalTerminalView({ tab, active }: { tab: TerminalTab; active: boolean }) {
  const { fetch, wsOrigin, socket } = useServices();
  const api = useMemo(() => createForwardsClient(fetch), [fetch]);
  const host = useRef<HTMLDivElement>(null);
  const session = useRef<LocalTerminalSession | undefined>(undefined);
  const xterm = useXterm(host, session);
  const [state, setState] = useState<'connecting' | 'open' | 'exited'>('connecting');
  const [problem, setProblem] = useState('');
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const x = xterm.current!;
    if (generation > 0) x.term.reset();
    setState('connecting');
    setProblem('');
    x.fitIfShown();
    let live = true;
    const s = openLocalTerminal(
      wsOrigin + localTerminalPath(tab.profile, x.term.cols, x.term.rows),
      {
        onOpen: () => {
          setState('open');
          x.fitIfShown();
          session.current?.resize(x.term.cols, x.term.rows);
          if (active) x.term.focus();
        },
        onOutput: (data) => x.term.write(data),
        onEnd: (end) => {
          if (!live) return;
          setState('exited');
          if (end.opened) {
            x.term.write(
              `\r\n\x1b[2m[process exited with code ${end.code}]${end.message && end.code !== 0 ? ` ${end.message}` : ''}\x1b[0m\r\n`,
            );
            return;
          }
          // A refused WebSocket carries no reason: the same check over plain HTTP tells it.
          api.terminalInfo(tab.profile).then(
            () => setProblem('The terminal could not connect to the app; try Reconnect.'),
            (e) => setProblem(errorText(e)),
          );
        },
      },
      (u) => socket(u) as unknown as SocketLike,
    );
    session.current = s;
    return () => {
      live = false;
      s.close();
      if (session.current === s) session.current = undefined;
    };
  }, [generation]); // eslint-disable-line react-hooks/exhaustive-deps -- a new terminal only on reconnect

  useEffect(() => {
    if (!active) return;
    requestAnimationFrame(() => {
      xterm.current?.fit.fit();
      focusTerminal(xterm.current);
    });
  }, [active]);

  return (
    <div className="dock-pane" hidden={!active} data-testid="terminal" data-kind="local" data-title={tab.title} data-state={state}>
      <div className="pane-toolbar">
        <span className="muted">local shell · KUBECONFIG → {tab.profile}</span>
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
      {problem && (
        <div className="notice bad small" role="alert" data-testid="terminal-problem" style={{ margin: 8 }}>
          {problem}
        </div>
      )}
      <div className="terminal-host" ref={host} />
    </div>
  );
}
