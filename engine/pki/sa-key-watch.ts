// Live service-account key rotation: a running API server follows its PKI dir's sa.key and
// sa-previous.json (written by `skiff sa-key rotate|retire`), so a rotation needs no restart:
// new tokens are signed with the new key at once, tokens of an earlier key verify until that key
// retires (its retireAt, or `retire`), and then they are refused. Polled (fs.watchFile): a stat
// of two files a second, and it works where file events do not (network and container mounts).
// Over etcd the same applier follows the shared record instead (cluster/sa-key-store.ts).
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { ServiceAccountTokens } from './service-account-tokens';
import { liveKeys, type SigningKeySet } from './sa-key-set';
import { previousKeys, readSigningKey } from './sa-key-files';
import { PKI_FILES, SA_PREVIOUS_KEYS } from './load-or-create-pki';

export interface SigningKeyWatch {
  /** Reads the keys now (what a change does). */
  reload(): void;
  stop(): void;
}

export interface SigningKeyApplier {
  /** Signs with set.signingKey and verifies its earlier keys still within their time. */
  apply(set: SigningKeySet): void;
  stop(): void;
}

/** setTimeout's ceiling (~24.8 days); a later retirement is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Puts key sets into `tokens`, and drops each earlier key when it retires without waiting for a change. */
export function createSigningKeyApplier(o: {
  tokens: ServiceAccountTokens;
  log?: (line: string) => void;
  now?: () => Date;
}): SigningKeyApplier {
  const log = o.log ?? (() => {});
  const now = o.now ?? (() => new Date());
  let retireTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  function apply(set: SigningKeySet) {
    if (stopped) return;
    const t = now();
    const previous = liveKeys(set.previous, t);
    try {
      const before = o.tokens.signingKeyId();
      if (o.tokens.setKeys({ privateKey: set.signingKey, verifyKeys: previous.map((k) => k.publicKey) })) {
        const after = o.tokens.signingKeyId();
        log(
          `service-account key: ${before === after ? 'same signing key' : `signing with ${after}`}; ${previous.length} earlier key(s) still verify`,
        );
      }
    } catch (err) {
      return log(`service-account key: ${(err as Error).message}; keys unchanged`);
    }
    clearTimeout(retireTimer);
    const next = Math.min(...previous.map((k) => Date.parse(k.retireAt)));
    if (Number.isFinite(next)) {
      retireTimer = setTimeout(() => apply(set), Math.min(MAX_TIMER_MS, Math.max(0, next - t.getTime()) + 50));
      retireTimer.unref();
    }
  }
  return {
    apply,
    stop() {
      stopped = true;
      clearTimeout(retireTimer);
    },
  };
}

export function watchSigningKeys(o: {
  pkiDir: string;
  tokens: ServiceAccountTokens;
  log?: (line: string) => void;
  intervalMs?: number;
  now?: () => Date;
}): SigningKeyWatch {
  const log = o.log ?? (() => {});
  const now = o.now ?? (() => new Date());
  const keyFile = join(o.pkiDir, PKI_FILES.serviceAccountKey);
  const previousFile = join(o.pkiDir, SA_PREVIOUS_KEYS);
  const applier = createSigningKeyApplier({ tokens: o.tokens, log, now });

  function reload() {
    const signingKey = readSigningKey(keyFile);
    // Mid-write or damaged: keep signing with what we have; the next change reloads.
    if (!signingKey) return log(`service-account key: ${keyFile} is missing or not a P-256 key; still signing with the current key`);
    applier.apply({ signingKey, previous: previousKeys(previousFile, now()) });
  }

  const interval = o.intervalMs ?? 1000;
  watchFile(keyFile, { interval, persistent: false }, reload);
  watchFile(previousFile, { interval, persistent: false }, reload);
  reload();
  return {
    reload,
    stop() {
      applier.stop();
      unwatchFile(keyFile, reload);
      unwatchFile(previousFile, reload);
    },
  };
}
