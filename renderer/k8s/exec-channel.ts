// The Kubernetes WebSocket channel protocol (v4/v5.channel.k8s.io) used by exec and attach:
// every binary message starts with its channel byte.
import type { KubeStatus } from './types';

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
export const execSubprotocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const encoder = new TextEncoder();

export function frame(channel: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const out = new Uint8Array(body.length + 1);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

export const stdinFrame = (text: string | Uint8Array) => frame(Channel.stdin, text);
export const resizeFrame = (cols: number, rows: number) => frame(Channel.resize, JSON.stringify({ Width: cols, Height: rows }));
/** v5 only: tells the server stdin is closed. */
export const closeStdinFrame = () => new Uint8Array([Channel.close, Channel.stdin]);

export interface ChannelMessage {
  channel: number;
  data: Uint8Array;
}

export function parseFrame(buf: ArrayBuffer | Uint8Array): ChannelMessage | null {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (bytes.length === 0) return null;
  return { channel: bytes[0], data: bytes.subarray(1) };
}

export interface ExitInfo {
  code: number;
  message?: string;
}

/** Reads channel 3's Status: Success is exit 0; NonZeroExitCode carries details.causes ExitCode. */
export function exitFromStatus(text: string): ExitInfo {
  let st: KubeStatus;
  try {
    st = JSON.parse(text);
  } catch {
    return { code: 1, message: text.trim() || 'the exec stream reported an error' };
  }
  if (st.status === 'Success') return { code: 0 };
  const cause = st.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message && /^\d+$/.test(cause.message)) return { code: Number(cause.message), message: st.message };
  return { code: 1, message: st.message ?? 'the command failed' };
}

/** A shell script that execs bash when the image has it, sh otherwise. */
export const shellScript = 'if command -v bash >/dev/null 2>&1; then exec bash -il; else exec sh -il 2>/dev/null || exec sh; fi';

export function execPath(
  profileBase: string,
  namespace: string,
  pod: string,
  container: string,
  command: string[] = ['sh', '-c', shellScript],
): string {
  const q = new URLSearchParams();
  if (container) q.set('container', container);
  for (const k of ['stdin', 'stdout', 'stderr', 'tty']) q.set(k, 'true');
  for (const c of command) q.append('command', c);
  return `${profileBase}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${q}`;
}
