// One exec stream over a browser WebSocket speaking the Kubernetes channel protocol.
import {
  Channel,
  closeStdinFrame,
  execSubprotocols,
  exitFromStatus,
  parseFrame,
  resizeFrame,
  stdinFrame,
  type ExitInfo,
} from '../k8s/exec-channel';

export interface ExecSession {
  send(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

export interface ExecHandlers {
  onOpen(protocol: string): void;
  onOutput(data: Uint8Array): void;
  /** The process ended (exit code from the status channel) or the connection dropped. */
  onExit(info: ExitInfo): void;
}

export function openExec(
  url: string,
  h: ExecHandlers,
  makeSocket: (url: string, protocols: string[]) => WebSocket = (u, p) => new WebSocket(u, p),
): ExecSession {
  const ws = makeSocket(url, execSubprotocols);
  ws.binaryType = 'arraybuffer';
  let exited: ExitInfo | undefined;
  let opened = false;
  let pendingSize: [number, number] | undefined;
  const decoder = new TextDecoder();
  const send = (bytes: Uint8Array) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
  };

  ws.onopen = () => {
    opened = true;
    h.onOpen(ws.protocol);
    if (pendingSize) send(resizeFrame(...pendingSize));
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') return; // base64 protocols are not negotiated
    const f = parseFrame(ev.data as ArrayBuffer);
    if (!f) return;
    if (f.channel === Channel.stdout || f.channel === Channel.stderr) h.onOutput(f.data);
    else if (f.channel === Channel.error) exited = exitFromStatus(decoder.decode(f.data));
  };
  ws.onclose = (ev) => {
    if (exited) return h.onExit(exited);
    const why = !opened
      ? `could not connect${ev.reason ? `: ${ev.reason}` : ' (is the pod running, and does the container have a shell?)'}`
      : ev.reason || 'connection closed';
    h.onExit({ code: -1, message: why });
  };

  return {
    send: (data) => send(stdinFrame(data)),
    resize(cols, rows) {
      pendingSize = [cols, rows];
      send(resizeFrame(cols, rows));
    },
    close() {
      if (ws.protocol === 'v5.channel.k8s.io') send(closeStdinFrame());
      ws.close();
    },
  };
}
