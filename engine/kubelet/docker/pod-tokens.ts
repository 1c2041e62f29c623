// The kubelet's token manager: each pod's projected service-account tokens, one per (pod,
// audience, lifetime), fetched through TokenRequest bound to the pod and fetched again once 80 %
// of a token's life has passed or it is a day old, as upstream's kubelet does. The volume
// refresh loop asks every few seconds and rewrites the token file only when the token changed.
// A failed renewal keeps the old token while it is still valid and tries again next time.
// Unlike upstream, tokens are also renewed at once after the cluster's signing key changes
// (`skiff sa-key rotate`), so retiring the old key strands no pod on a token it signed.
import type { KubeObject } from '../../kinds/types';

export interface TokenSource {
  audience?: string;
  expirationSeconds?: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Asks the API server for a token bound to the pod (serviceaccounts/token). */
export type RequestPodToken = (pod: KubeObject, source: TokenSource) => Promise<IssuedToken | undefined>;

export interface PodTokens {
  get(pod: KubeObject, source: TokenSource): Promise<string | undefined>;
  /** Drops a pod's tokens (it was removed). */
  forget(podUid: string): void;
}

const MAX_AGE_MS = 24 * 3600_000;

interface Held {
  issued?: IssuedToken;
  issuedAt: number;
  pending?: Promise<void>;
  failedAt?: number;
}

export function createPodTokens(deps: {
  request?: RequestPodToken;
  now?: () => number;
  /** When the signing key last changed (ms since the epoch): tokens asked for before are renewed. */
  keysChangedAt?: () => number;
}): PodTokens {
  const now = deps.now ?? Date.now;
  const held = new Map<string, Held>();
  const fresh = (h: Held, n: number) =>
    h.issued !== undefined &&
    n < h.issuedAt + 0.8 * (h.issued.expiresAt.getTime() - h.issuedAt) &&
    n - h.issuedAt < MAX_AGE_MS &&
    h.issuedAt >= (deps.keysChangedAt?.() ?? 0);
  const valid = (h: Held, n: number) => (h.issued && h.issued.expiresAt.getTime() > n ? h.issued.token : undefined);

  return {
    async get(pod, source) {
      const request = deps.request;
      if (!request) return undefined;
      const key = `${pod.metadata.uid}|${source.audience ?? ''}|${source.expirationSeconds ?? ''}`;
      let h = held.get(key);
      if (!h) held.set(key, (h = { issuedAt: 0 }));
      const entry = h;
      if (entry.pending) await entry.pending;
      if (fresh(entry, now()) || (entry.failedAt !== undefined && now() - entry.failedAt < 1000)) return valid(entry, now());
      const asked = now();
      entry.pending = request(pod, source).then(
        (got) => {
          if (got) Object.assign(entry, { issued: got, issuedAt: asked, failedAt: undefined });
          else entry.failedAt = asked;
        },
        () => {
          entry.failedAt = asked; // the old token serves until it expires
        },
      );
      await entry.pending;
      entry.pending = undefined;
      return valid(entry, now());
    },
    forget(podUid) {
      for (const k of held.keys()) if (k.startsWith(`${podUid}|`)) held.delete(k);
    },
  };
}
