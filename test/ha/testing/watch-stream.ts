// A raw watch stream (newline-delimited JSON events) read through a kubeconfig's credentials.
import type { KubeHttp } from '../../testing/kube-http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects read untyped
export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: any };

export async function watchStream(http: KubeHttp, path: string, onEvent: (e: WatchEvent) => void): Promise<{ stop(): void }> {
  const res = await http.stream(path);
  if (res.statusCode !== 200) throw new Error(`watch ${path}: HTTP ${res.statusCode}`);
  res.setTimeout(0);
  res.socket?.setTimeout(0);
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) onEvent(JSON.parse(line) as WatchEvent);
    }
  });
  res.on('error', () => {});
  return { stop: () => res.destroy() };
}
