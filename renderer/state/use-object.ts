// One object, fetched in full and fetched again whenever its resourceVersion (seen in the
// live list) changes; polled when no list is watching it.
import { useCallback, useEffect, useState } from 'react';
import type { K8sClient } from '../k8s/client';
import { resourcePath } from '../k8s/resources';
import type { ApiResource, KubeObject } from '../k8s/types';

export interface ObjectState {
  obj?: KubeObject;
  error?: Error;
  reload(): void;
}

export function useObject(
  client: K8sClient | undefined,
  r: ApiResource | undefined,
  namespace: string,
  name: string,
  seenVersion?: string,
): ObjectState {
  const [state, setState] = useState<{ obj?: KubeObject; error?: Error }>({});
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (!client || !r || !name) return;
    const abort = new AbortController();
    client.getJson<KubeObject>(resourcePath(r, namespace, name), { signal: abort.signal, what: `${r.kind} ${name}` }).then(
      (obj) => setState({ obj }),
      (error) => {
        if (!abort.signal.aborted) setState((s) => ({ obj: s.obj, error }));
      },
    );
    return () => abort.abort();
  }, [client, r, namespace, name, seenVersion, tick]);
  useEffect(() => {
    if (seenVersion !== undefined) return;
    const t = setInterval(reload, 10_000);
    return () => clearInterval(t);
  }, [seenVersion, reload]);
  return { ...state, reload };
}
