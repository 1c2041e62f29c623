// Mounts one xterm in `host` for the life of a dock tab and wires it to whatever session the
// tab holds now: keystrokes go to session.send, size changes to session.resize.
import { useEffect, useRef, type RefObject } from 'react';
import { createXterm, type Xterm } from './xterm-setup';

export interface TerminalSession {
  send(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** A shown terminal takes focus, unless the user is moving through the dock's tabs by keyboard. */
export function focusTerminal(x: Xterm | undefined): void {
  if (document.activeElement?.getAttribute('role') === 'tab') return;
  x?.term.focus();
}

export function useXterm(
  host: RefObject<HTMLDivElement | null>,
  session: RefObject<TerminalSession | undefined>,
): RefObject<Xterm | undefined> {
  const xterm = useRef<Xterm | undefined>(undefined);
  useEffect(() => {
    const x = createXterm(host.current!);
    xterm.current = x;
    const onData = x.term.onData((d) => session.current?.send(d));
    const onResize = x.term.onResize(({ cols, rows }) => session.current?.resize(cols, rows));
    return () => {
      onData.dispose();
      onResize.dispose();
      session.current?.close();
      x.dispose();
    };
  }, []);
  return xterm;
}
