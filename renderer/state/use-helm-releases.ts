// Helm releases of a namespace (or all): their record Secrets re-read every few seconds, the
// newest revision of each decoded once per change (cached by uid and resourceVersion).
import { useEffect, useRef, useState } from 'react';
import type { K8sClient } from '../k8s/client';
import { decodeRelease, groupRevisions, helmSelector, type HelmRelease, type HelmRevision } from '../k8s/helm-release';
import { resourcePath, wellKnown } from '../k8s/resources';
import type { KubeObject } from '../k8s/types';

export interface HelmReleasesState {
  /** The newest revision of each release, decoded; sorted by namespace then name. */
  releases: HelmRelease[];
  /** Every revision by "namespace/name", newest first (from labels). */
  revisions: Map<string, HelmRevision[]>;
  /** Record Secrets by name, for decoding older revisions on demand. */
  secrets: Map<string, KubeObject>;
  /** Records that could not be decoded, with why. */
  problems: string[];
  loading: boolean;
  error?: Error;
}

const pollMs = 5000;

export function useHelmReleases(client: K8sClient | undefined, namespace: string): HelmReleasesState {
  const [state, setState] = useState<HelmReleasesState>({
    releases: [],
    revisions: new Map(),
    secrets: new Map(),
    problems: [],
    loading: true,
  });
  const cache = useRef(new Map<string, Promise<HelmRelease>>());
  useEffect(() => {
    if (!client) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    const read = async () => {
      try {
        const list = await client.getJson<{ items?: KubeObject[] }>(resourcePath(wellKnown.secrets, namespace), {
          signal: abort.signal,
          query: { labelSelector: helmSelector },
          what: 'Helm release records (Secrets)',
        });
        const items = list.items ?? [];
        const revisions = groupRevisions(items);
        const secrets = new Map(items.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
        const problems: string[] = [];
        const releases: HelmRelease[] = [];
        for (const [key, revs] of revisions) {
          const newest = revs[0];
          const ck = `${newest.secret.uid}@${newest.secret.resourceVersion}`;
          let p = cache.current.get(ck);
          if (!p) cache.current.set(ck, (p = decodeRelease(secrets.get(`${newest.namespace}/${newest.secret.name}`)!)));
          try {
            releases.push(await p);
          } catch (e) {
            problems.push(`${key}: ${(e as Error).message}`);
          }
        }
        releases.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
        if (!abort.signal.aborted) setState({ releases, revisions, secrets, problems, loading: false });
      } catch (e) {
        if (!abort.signal.aborted) setState((s) => ({ ...s, loading: false, error: e as Error }));
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void read(), pollMs);
    };
    void read();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [client, namespace]);
  return state;
}
