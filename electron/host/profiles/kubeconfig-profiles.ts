// The registry of kubeconfig profiles: every context of every source (the default kubeconfig,
// imported files and folders watched live, copies and pasted text sealed in the data dir), with
// exec consent, namespace allow-lists and the last check of each. The app watches and checks
// in the background; the CLI reads once. Both share the files under <dataDir>/profiles/.
import { buildCatalog, type Catalog, type CatalogEntry, type LoadedSource } from './kubeconfig-catalog';
import { loadSources } from './kubeconfig-loader';
import { kubeconfigProfile } from './kubeconfig-profile';
import { createConsentStore, execCommandOf, sameCommand } from './exec-consent';
import { consentNeedOf } from './consent-need';
import { HostHttpError } from '../http/http-util';
import { createKubeTargets, type KubeTargets } from '../proxy/kube-target';
import type { ProxyAnswer } from '../proxy/kube-proxy';
import { createPathWatcher, type PathWatcher } from './path-watcher';
import { checkProfile, profileNamespaces } from './profile-check';
import { createProfileSettings } from './profile-settings';
import { addSource, hideContext, removeSource } from './profile-source-actions';
import { createSourceStore } from './profile-sources-store';
import type { Profile, ProfileRegistry } from './profiles';
import type {
  ConsentTarget,
  ExecConsentRequest,
  ProfileCheck,
  ProfileNamespaces,
  ProfileSource,
  ProfileSummary,
  RemoveProfileResult,
} from '../protocol';
import { createKeyFileBox, type SecretBox } from './secret-box';

type Env = Record<string, string | undefined>;

export interface KubeconfigProfilesOptions {
  dataDir: string;
  env?: Env;
  /** Encryption of copies and pasted text (default: the key file in the data dir). */
  box?: SecretBox;
  /** Names of local profiles: they keep their name, a kubeconfig context of that name on 127.0.0.1 is the same cluster. */
  reserved?: () => Iterable<string>;
  targets?: KubeTargets;
  log?: (line: string) => void;
  /** Re-read when files change (the app). Off: read once, and after each change made here (the CLI). */
  watch?: boolean;
  debounceMs?: number;
  pollMs?: number;
  /** Check each profile when it appears or changes (the app). */
  autoCheck?: boolean;
  /** Where relative import paths point (the CLI). */
  cwd?: string;
  /** Per-request timeout of checks (default 5 s). */
  checkTimeoutMs?: number;
}

export interface KubeconfigProfiles extends ProfileRegistry {
  sources(): ProfileSource[];
  entry(name: string): CatalogEntry | undefined;
  summary(name: string): ProfileSummary | undefined;
  addSource(body: unknown): ProfileSource;
  removeSource(id: string): void;
  removeProfile(name: string): RemoveProfileResult;
  check(name: string): Promise<ProfileCheck>;
  /** What the kube proxy just saw of the profile's server: a refusal marks it unreachable now, an answer re-checks an unreachable one. */
  observe(name: string, answer: ProxyAnswer): void;
  consent(name: string, body: unknown): ProfileSummary;
  revokeConsent(name: string): ProfileSummary;
  namespaces(name: string): Promise<ProfileNamespaces>;
  setNamespaces(name: string, body: unknown): ProfileSummary;
  /** Re-reads every source now. */
  reload(): void;
  /** After the profiles or the sources may have changed. Returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  close(): void;
}

const CHECK_CONCURRENCY = 4;

const changedSince = (name: string, what: string) =>
  new HostHttpError(
    409,
    `the ${what} of profile "${name}" ${what.endsWith('s') ? 'are' : 'is'} not what you were shown (its kubeconfig changed?)`,
    'look at the profile again and allow what it shows now',
  );

function sameTarget(a: ConsentTarget, b: ConsentTarget): boolean {
  const key = (t: ConsentTarget) => JSON.stringify([t?.server, t?.ca, t?.tlsServerName ?? '', t?.proxyUrl ?? '']);
  return key(a) === key(b);
}

export function createKubeconfigProfiles(o: KubeconfigProfilesOptions): KubeconfigProfiles {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  const store = createSourceStore(o.dataDir);
  const box = o.box ?? createKeyFileBox(store.paths.key);
  const consent = createConsentStore(store.paths.consent);
  const settings = createProfileSettings(store.paths.settings);
  const targets = o.targets ?? createKubeTargets();
  const deps = { store, box, cwd: o.cwd };
  const listeners = new Set<() => void>();
  const checks = new Map<string, { fingerprint: string; result: ProfileCheck }>();
  const checking = new Set<string>();
  /** Profiles whose server answered the proxy while a check of them was running. */
  const answeredWhileChecking = new Set<string>();
  let loaded: LoadedSource[] = [];
  let generation = 0;
  let cache: { key: string; generation: number; catalog: Catalog } | undefined;
  let closed = false;
  let queue: string[] = [];
  let running = 0;

  const notify = () => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch (err) {
        log(`host: profiles listener failed: ${(err as Error)?.message ?? err}`);
      }
    }
  };

  const watcher: PathWatcher | undefined = o.watch
    ? createPathWatcher({
        onChange: () => {
          load();
          notify();
        },
        debounceMs: o.debounceMs,
        pollMs: o.pollMs,
      })
    : undefined;

  function load(): void {
    const r = loadSources(store, box, env);
    loaded = r.sources;
    generation++;
    watcher?.setPaths(r.watch);
    if (o.autoCheck) scheduleChecks();
  }

  function catalog(): Catalog {
    const reserved = new Set(o.reserved?.() ?? []);
    const key = [...reserved].sort().join('\0');
    if (!cache || cache.key !== key || cache.generation !== generation)
      cache = { key, generation, catalog: buildCatalog(loaded, reserved) };
    return cache.catalog;
  }

  const entry = (name: string) => catalog().entries.find((e) => e.name === name);
  const need = (name: string): CatalogEntry => {
    const e = entry(name);
    if (!e)
      throw new HostHttpError(
        404,
        `profile "${name}" is not a kubeconfig profile`,
        'list profiles with GET /api/profiles or "skiff profiles list"',
      );
    return e;
  };

  function summary(e: CatalogEntry): ProfileSummary {
    const exec = execCommandOf(e.user);
    const need = consentNeedOf(e);
    const consented = need ? consent.allowed(e.name, need) : false;
    const c = checks.get(e.name);
    const check = c && c.fingerprint === e.fingerprint ? c.result : undefined;
    let status: ProfileSummary['status'] = 'unknown';
    let reason: string | undefined;
    if (e.error) reason = e.error;
    else if (need && !consented)
      reason = exec
        ? `needs your consent to run ${exec.command}`
        : `needs your consent to read ${need.files.map((f) => f.path).join(', ')}`;
    else if (check) {
      status = check.status;
      reason = check.reason;
    }
    const allowed = settings.namespaces(e.name);
    return {
      name: e.name,
      source: 'kubeconfig',
      ...(e.cluster?.server ? { server: e.cluster.server } : {}),
      ...(e.namespace ? { namespace: e.namespace } : {}),
      status,
      ...(reason ? { reason } : {}),
      sourceId: e.sourceId,
      file: e.file,
      context: e.context,
      ...(e.duplicateOf ? { duplicateOf: e.duplicateOf } : {}),
      ...(e.error ? { error: e.error } : {}),
      ...(exec ? { exec: { ...exec, consented } } : {}),
      ...(need ? { consent: { files: need.files, target: need.target, consented } } : {}),
      ...(allowed.length ? { allowedNamespaces: allowed } : {}),
      ...(check?.ok && check.serverVersion ? { serverVersion: check.serverVersion } : {}),
      ...(check?.ok && check.nodeCount !== undefined ? { nodeCount: check.nodeCount } : {}),
      ...(check ? { checkedAt: check.checkedAt } : {}),
    };
  }

  async function check(name: string): Promise<ProfileCheck> {
    const e = need(name);
    const result = await checkProfile(kubeconfigProfile(e, consent), {
      targets,
      allowList: settings.namespaces(name),
      timeoutMs: o.checkTimeoutMs,
    });
    // Only keep it if the profile is still what was checked.
    if (entry(name)?.fingerprint === e.fingerprint) checks.set(name, { fingerprint: e.fingerprint, result });
    notify();
    return result;
  }

  function scheduleChecks(): void {
    for (const e of catalog().entries) {
      const need = consentNeedOf(e);
      if (e.error || (need && !consent.allowed(e.name, need))) continue;
      if (checks.get(e.name)?.fingerprint === e.fingerprint || checking.has(e.name) || queue.includes(e.name)) continue;
      queue.push(e.name);
    }
    pump();
  }

  function pump(): void {
    while (!closed && running < CHECK_CONCURRENCY && queue.length) {
      const name = queue.shift()!;
      if (!entry(name)) continue;
      running++;
      checking.add(name);
      check(name)
        .catch((err) => log(`host: checking profile "${name}" failed: ${(err as Error)?.message ?? err}`))
        .finally(() => {
          running--;
          checking.delete(name);
          // The server answered while this check was running: a check that failed anyway (it
          // timed out under load, or began before consent) is run again rather than left standing.
          if (answeredWhileChecking.delete(name) && checks.get(name)?.result.status !== 'ready' && !queue.includes(name)) queue.push(name);
          pump();
        });
    }
  }

  /** After a change made here: read again now rather than wait for the watcher. */
  const changed = () => {
    load();
    notify();
  };

  load();

  return {
    get(name): Profile | undefined {
      const e = entry(name);
      return e ? kubeconfigProfile(e, consent) : undefined;
    },
    list: () => catalog().entries.map(summary),
    sources: () => catalog().sources,
    entry,
    summary: (name) => {
      const e = entry(name);
      return e ? summary(e) : undefined;
    },
    addSource(body) {
      const id = addSource(deps, body);
      changed();
      const s = catalog().sources.find((x) => x.id === id);
      if (!s)
        throw new HostHttpError(
          500,
          `the source ${id} was stored but cannot be read back`,
          'this looks like a bug; the host log has details',
        );
      return s;
    },
    removeSource(id) {
      removeSource(deps, id);
      checks.clear();
      changed();
    },
    removeProfile(name) {
      const e = need(name);
      const src = catalog().sources.find((s) => s.id === e.sourceId);
      const alone = src && src.profiles.length === 1 && (src.kind === 'file' || src.kind === 'copy' || src.kind === 'paste');
      if (alone) removeSource(deps, e.sourceId);
      else hideContext(deps, e.sourceId, e.context);
      checks.delete(name);
      changed();
      return { removed: alone ? 'source' : 'hidden', source: e.sourceId };
    },
    check,
    observe(name, answer) {
      const e = entry(name);
      if (!e || closed) return;
      const c = checks.get(name);
      const last = c && c.fingerprint === e.fingerprint ? c.result : undefined;
      if (answer.ok) {
        if (checking.has(name)) {
          answeredWhileChecking.add(name);
          return;
        }
        // Answered again: a full check brings back the node count and version.
        if (last && last.status !== 'ready' && !queue.includes(name)) {
          queue.push(name);
          pump();
        }
        return;
      }
      if (last?.status === 'unreachable' && last.reason === answer.reason) return;
      const result: ProfileCheck = {
        profile: name,
        ok: false,
        status: 'unreachable',
        reason: answer.reason,
        ...(last?.server ? { server: last.server } : {}),
        checkedAt: new Date().toISOString(),
        ms: 0,
      };
      checks.set(name, { fingerprint: e.fingerprint, result });
      notify();
    },
    consent(name, body) {
      const e = need(name);
      const want = consentNeedOf(e);
      if (!want)
        throw new HostHttpError(400, `profile "${name}" runs no command and reads no file that needs asking; there is nothing to allow`);
      const req = body as ExecConsentRequest | undefined;
      const shown = 'send what you were shown: {"command", "args", "env"} (and "target", "files")';
      const where = 'copy them from the profile\'s "exec" and "consent" fields (GET /api/profiles)';
      if (!req || typeof req !== 'object') throw new HostHttpError(400, shown, where);
      if (want.exec) {
        if (typeof req.command !== 'string' || !Array.isArray(req.args) || !Array.isArray(req.env))
          throw new HostHttpError(400, shown, where);
        if (!sameCommand({ command: req.command, args: req.args, env: req.env }, want.exec)) throw changedSince(name, 'command');
      }
      // Sent by clients that show them: the files and target shown must be the ones used now.
      if (
        (req.files !== undefined && !Array.isArray(req.files)) ||
        (req.target !== undefined && (typeof req.target !== 'object' || !req.target))
      )
        throw new HostHttpError(400, shown, where);
      if (
        req.files !== undefined &&
        JSON.stringify(req.files.map((f) => [f?.field, f?.path])) !== JSON.stringify(want.files.map((f) => [f.field, f.path]))
      )
        throw changedSince(name, 'credential files');
      if (req.target !== undefined && !sameTarget(req.target, want.target)) throw changedSince(name, 'server, CA or proxy');
      consent.allow(name, want);
      checks.delete(name);
      changed();
      return summary(need(name));
    },
    revokeConsent(name) {
      need(name);
      consent.revoke(name);
      checks.delete(name);
      changed();
      return summary(need(name));
    },
    namespaces: (name) =>
      profileNamespaces(kubeconfigProfile(need(name), consent), {
        targets,
        allowList: settings.namespaces(name),
        timeoutMs: o.checkTimeoutMs,
      }),
    setNamespaces(name, body) {
      need(name);
      settings.setNamespaces(name, (body as { namespaces?: unknown } | undefined)?.namespaces as string[]);
      notify();
      return summary(need(name));
    },
    reload: changed,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      queue = [];
      watcher?.close();
      listeners.clear();
      if (!o.targets) targets.close();
    },
  };
}
