// Server-Sent Events over fetch: EventSource cannot send the session header. Reconnects after
// a drop like EventSource does, and hands each `data:` payload to onmessage.
import type { FetchFn } from '../k8s/client';
import type { EventSourceLike } from './host-client';

export function fetchEventSource(fetch: FetchFn, url: string, retryMs = 1000): EventSourceLike {
  const abort = new AbortController();
  const es: EventSourceLike = { onmessage: null, onopen: null, onerror: null, close: () => abort.abort() };

  async function once(): Promise<void> {
    const res = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: abort.signal, credentials: 'same-origin' });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    es.onopen?.();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data) es.onmessage?.({ data });
      }
    }
  }

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await once();
      } catch {
        /* reported below, then tried again */
      }
      if (abort.signal.aborted) return;
      es.onerror?.();
      await new Promise((r) => setTimeout(r, retryMs));
    }
  })();
  return es;
}
