// Helm upgrade (same chart, edited values), rollback and uninstall for the releases view, through the user's own helm binary (found
// on PATH): helm does what only it does right (the three-way patch of a rollback, hooks, the
// keep resource policy, the order of deletion, its release records). Without a helm binary the
// view stays read-only and says so. helm gets the profile's kubeconfig alone in a 0600 temp file
// (as a local terminal does), and its own HOME-independent cache dirs; a profile whose
// credentials wait for consent is refused, since helm would run or read them.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { kubeGetJson } from '../proxy/kube-request';
import type { KubeTargets } from '../proxy/kube-target';
import { chartFiles, decodeRecord, newestRecord } from './release-chart';
import { HostHttpError } from '../http/http-util';
import type { ProfileRegistry } from '../profiles/profiles';
import type { HelmActionResult, HelmInfo } from '../protocol';
import { profileKubeconfigText, writeTerminalKubeconfig } from '../terminals/local-terminal-kubeconfig';

type Env = Record<string, string | undefined>;

export interface HelmActions {
  info(): Promise<HelmInfo>;
  rollback(profile: string, body: unknown): Promise<HelmActionResult>;
  uninstall(profile: string, body: unknown): Promise<HelmActionResult>;
  /** {namespace, release, values}: the release's own chart (from its newest record) with these values (YAML) in place of the old. */
  upgrade(profile: string, body: unknown): Promise<HelmActionResult>;
}

/** Helm's own rules: release names are DNS-1123 labels of at most 53 characters; namespaces, labels. */
const RELEASE = /^[a-z0-9]([-a-z0-9.]{0,51}[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const TIMEOUT_MS = 120_000;
const MAX_VALUES = 1 << 20;

export function findOnPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function createHelmActions(o: {
  profiles: ProfileRegistry;
  env: Env;
  log?: (line: string) => void;
  /** For reading a release's record (upgrade); without it, upgrade answers 501. */
  targets?: KubeTargets;
}): HelmActions {
  const log = o.log ?? (() => {});
  let version: Promise<string | undefined> | undefined;

  function run(bin: string, args: string[], env: Env): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(bin, args, { env, timeout: TIMEOUT_MS, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && !stdout ? err.message : '') });
      });
    });
  }

  async function info(): Promise<HelmInfo> {
    const bin = findOnPath('helm', o.env);
    if (!bin) {
      return {
        available: false,
        reason: 'no helm binary on PATH: releases are shown read-only (install helm to roll back and uninstall from here)',
      };
    }
    version ??= run(bin, ['version', '--short'], { PATH: o.env.PATH }).then((r) => (r.code === 0 ? r.stdout.trim() : undefined));
    const v = await version;
    return { available: true, path: bin, ...(v ? { version: v } : {}) };
  }

  function target(profile: string, body: unknown): { namespace: string; release: string; rest: Record<string, unknown> } {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.release !== 'string' || !RELEASE.test(b.release))
      throw new HostHttpError(
        400,
        `invalid release name ${JSON.stringify(b.release)}`,
        'send {"namespace", "release"} as the releases view lists them',
      );
    if (typeof b.namespace !== 'string' || !NAMESPACE.test(b.namespace))
      throw new HostHttpError(
        400,
        `invalid namespace ${JSON.stringify(b.namespace)}`,
        'send {"namespace", "release"} as the releases view lists them',
      );
    const summary = o.profiles.list().find((p) => p.name === profile);
    if (!summary) throw new HostHttpError(404, `profile "${profile}" does not exist`, 'pick a cluster from the list first');
    if (summary.consent ? !summary.consent.consented : summary.exec && !summary.exec.consented)
      throw new HostHttpError(409, `profile "${profile}" waits for your consent to its credentials`, 'review and allow them first');
    return { namespace: b.namespace, release: b.release, rest: b };
  }

  async function helm(profile: string, args: string[], what: string, prepare?: (home: string) => string[]): Promise<HelmActionResult> {
    const i = await info();
    if (!i.available) throw new HostHttpError(501, i.reason, 'install helm (https://helm.sh/docs/intro/install/) and restart Skiff');
    const file = writeTerminalKubeconfig(profileKubeconfigText(o.profiles, profile));
    const home = mkdtempSync(join(tmpdir(), 'skiff-helm-'));
    try {
      const env: Env = {
        ...o.env,
        KUBECONFIG: file.path,
        HELM_KUBECONTEXT: undefined,
        HELM_NAMESPACE: undefined,
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
      };
      const r = await run(i.path, [...args, ...(prepare?.(home) ?? []), '--kubeconfig', file.path], env);
      log(`host: helm ${args.join(' ')} (profile ${profile}) exited ${r.code}`);
      if (r.code !== 0) {
        const message = (r.stderr || r.stdout).trim().replace(/^Error: /, '') || `helm exited with ${r.code}`;
        throw new HostHttpError(
          409,
          `${what} failed: ${message}`,
          'helm said why; the release records are unchanged unless it says otherwise',
        );
      }
      return { output: r.stdout.trim() };
    } finally {
      file.remove();
      rmSync(home, { recursive: true, force: true });
    }
  }

  return {
    info,
    async rollback(profile, body) {
      const t = target(profile, body);
      const rev = t.rest.revision;
      if (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 1)
        throw new HostHttpError(400, `invalid revision ${JSON.stringify(rev)}`, 'send the revision number the history lists');
      return helm(profile, ['rollback', t.release, String(rev), '--namespace', t.namespace], `helm rollback ${t.release} ${rev}`);
    },
    async upgrade(profile, body) {
      const t = target(profile, body);
      const text = t.rest.values;
      if (typeof text !== 'string' || text.length > MAX_VALUES)
        throw new HostHttpError(400, 'values must be YAML text of at most 1 MiB', 'send {"namespace", "release", "values"}');
      let values: unknown;
      try {
        values = parseYaml(text);
      } catch (e) {
        throw new HostHttpError(400, `the values are not valid YAML: ${(e as Error).message}`, 'fix the YAML and try again');
      }
      if (values !== null && (typeof values !== 'object' || Array.isArray(values)))
        throw new HostHttpError(400, 'the values must be a YAML mapping (key: value)', 'e.g. replicaCount: 2');
      if (!o.targets) throw new HostHttpError(501, 'this host cannot read release records', 'upgrade with helm from a terminal');
      const p = o.profiles.get(profile);
      if (!p) throw new HostHttpError(404, `profile "${profile}" does not exist`, 'pick a cluster from the list first');
      const list = await kubeGetJson<{ items?: Array<Parameters<typeof newestRecord>[0][number]> }>(
        o.targets,
        p.kubeConfig(),
        `/api/v1/namespaces/${t.namespace}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${t.release}`)}`,
        15_000,
      ).catch((e: Error) => {
        throw new HostHttpError(
          409,
          `cannot read the records of release ${t.release}: ${e.message}`,
          'the profile needs to read Secrets there',
        );
      });
      const newest = newestRecord(list.items ?? []);
      if (!newest)
        throw new HostHttpError(404, `release ${t.release} has no records in namespace ${t.namespace}`, 'it may have been uninstalled');
      let files;
      try {
        files = chartFiles(decodeRecord(newest));
      } catch (e) {
        throw new HostHttpError(409, `cannot upgrade ${t.release} from its record: ${(e as Error).message}`);
      }
      return helm(profile, ['upgrade', t.release], `helm upgrade ${t.release}`, (home) => {
        const dir = join(home, 'chart');
        for (const f of files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true, mode: 0o700 });
          writeFileSync(join(dir, f.path), f.data, { mode: 0o600 });
        }
        const valuesFile = join(home, 'values.yaml');
        writeFileSync(valuesFile, text, { mode: 0o600 });
        return [dir, '--namespace', t.namespace, '-f', valuesFile];
      });
    },
    async uninstall(profile, body) {
      const t = target(profile, body);
      return helm(profile, ['uninstall', t.release, '--namespace', t.namespace], `helm uninstall ${t.release}`);
    },
  };
}
