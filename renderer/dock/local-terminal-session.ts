// A local terminal's WebSocket (host protocol in electron/host/protocol.ts): binary frames are
// terminal bytes both ways; text frames are JSON control (resize out; exit and error in).
import type { TerminalControl, TerminalEvent } from '../../electron/host/protocol';

export interface TerminalEnd {
  /** The shell's exit code; -1 when the connection ended without one. */
  code: number;
  message?: string;
  /** False when the socket never opened (the host refused: ask GET /api/terminals/local why). */
  opened: boolean;
}

export interface LocalTerminalHandlers {
  onOpen(): void;
  onOutput(data: Uint8Array): void;
  onEnd(end: TerminalEnd): void;
}

export interface LocalTerminalSession {
  send(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** The WebSocket surface used here (a browser WebSocket, or a fake in tests). */
export interface SocketLike {
  binaryType: string;
  readyState: number;
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  send(data: string | Uint8Array): void;
  close(): void;
}

const OPEN = 1;

export function openLocalTerminal(
  url: string,
  h: LocalTerminalHandlers,
  makeSocket: (url: string) => SocketLike = (u) => new WebSocket(u) as unknown as SocketLike,
): LocalTerminalSession {
  const ws = makeSocket(url);
  ws.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  let opened = false;
  let ended: TerminalEnd | undefined;
  let pendingSize: [number, number] | undefined;
  const control = (c: TerminalControl) => {
    if (ws.readyState === OPEN) ws.send(JSON.stringify(c));
  };

  ws.onopen = () => {
    opened = true;
    h.onOpen();
    if (pendingSize) control({ type: 'resize', cols: pendingSize[0], rows: pendingSize[1] });
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') return h.onOutput(new Uint8Array(ev.data as ArrayBuffer));
    let e: TerminalEvent;
    try {
      e = JSON.parse(ev.data) as TerminalEvent;
    } catch {
      return;
    }
    if (e.type === 'exit') ended = { code: e.code, opened: true };
    else if (e.type === 'error') ended = { code: -1, message: e.hint ? `${e.message} (${e.hint})` : e.message, opened: true };
  };
  ws.onclose = (ev) => {
    h.onEnd(ended ?? { code: -1, message: opened ? ev.reason || 'connection closed' : 'could not connect', opened });
  };

  return {
    send(data) {
      if (ws.readyState === OPEN) ws.send(typeof data === 'string' ? encoder.encode(data) : data);
    },
    resize(cols, rows) {
      pendingSize = [cols, rows];
      control({ type: 'resize', cols, rows });
    },
    close: () => ws.close(),
  };
}
