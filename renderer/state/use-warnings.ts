// Recent Warning events of a namespace (or all), by the uid of the object they are about: the
// lists mark those rows. One list every 10 s, whatever the number of rows.
import { useEffect, useState } from 'react';
import type { K8sClient } from '../k8s/client';
import { eventTime, type KubeEvent } from '../k8s/events';
import { resourcePath, wellKnown } from '../k8s/resources';

export interface RowWarning {
  count: number;
  reason: string;
  message: string;
}

/** Only warnings seen in the last 10 minutes mark a row. */
const RECENT_MS = 10 * 60_000;

export function warningsByUid(events: KubeEvent[], now: number): Map<string, RowWarning> {
  const out = new Map<string, RowWarning>();
  for (const e of [...events].sort((a, b) => eventTime(a) - eventTime(b))) {
    const uid = e.involvedObject?.uid;
    if (!uid || now - eventTime(e) > RECENT_MS) continue;
    const prev = out.get(uid);
    out.set(uid, { count: (prev?.count ?? 0) + (e.count ?? 1), reason: e.reason ?? '', message: e.message ?? '' });
  }
  return out;
}

export function useWarnings(client: K8sClient | undefined, namespace: string, everyMs = 10_000): Map<string, RowWarning> {
  const [warnings, setWarnings] = useState<Map<string, RowWarning>>(() => new Map());
  useEffect(() => {
    if (!client) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const load = () =>
      client
        .getJson<{ items?: KubeEvent[] }>(resourcePath(wellKnown.events, namespace), {
          signal: abort.signal,
          query: { fieldSelector: 'type=Warning', limit: '2000' },
        })
        .then(
          (list) => !abort.signal.aborted && setWarnings(warningsByUid(list.items ?? [], Date.now())),
          () => {}, // the list shows its own errors; a missing badge is no news
        )
        .finally(() => {
          if (!abort.signal.aborted) timer = setTimeout(() => void load(), everyMs);
        });
    void load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [client, namespace, everyMs]);
  return warnings;
}
