// Image pulls for the Docker runtime, as the kubelet's image manager does them: the pull policy
// decides whether to pull; credentials come from the pod's imagePullSecrets (each matching one
// tried in turn, else anonymous); Docker's progress stream becomes periodic progress reports; a
// failed pull says what went wrong and, for registries that want credentials, what to do.
import type Docker from 'dockerode';
import type { PullImageOptions, PullReport } from '../runtime';
import type { KubeObject } from '../../kinds/types';
import type { ObjectLookup } from './container-config';
import { credentialsFor, imageRegistry, parseDockerConfigSecret, type RegistryCredential } from './registry-auth';
import { createProgressThrottle, createPullProgress, formatPullProgress, type DockerPullLine } from './pull-progress';
import { notFound } from './docker-errors';

export const PULL_PROGRESS_EVERY_MS = 2_000;

export interface ImagePullerDeps {
  docker: Docker;
  lookup?: ObjectLookup;
  log?: (line: string) => void;
  /** How often a long pull reports progress (default 2 s; the first report comes that long after the start). */
  progressEveryMs?: number;
}

export interface ImagePuller {
  /** The image's ID when the engine has it. */
  present(image: string): Promise<string | undefined>;
  /** Makes the image present as the policy says; resolves with its ID; rejects with a PullError (`Failed to pull image "x": why`). */
  ensure(image: string, opts?: PullImageOptions): Promise<string>;
  /** A plain anonymous pull (the sandbox image); rejects with Docker's message. */
  pull(image: string): Promise<void>;
}

/** The policy the API server would have defaulted: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/]+)$/.exec(image)?.[1];
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Docker's error text without dockerode's "(HTTP code 500) server error - " wrapper. */
export function dockerMessage(e: unknown): string {
  const err = e as { json?: { message?: string }; message?: string } | null | undefined;
  return String(err?.json?.message ?? err?.message ?? e)
    .replace(/^\(HTTP code \d+\) [^-]*- /, '')
    .trim();
}

// Docker says "no basic auth credentials" (none sent), "unauthorized" (rejected), or "pull access
// denied ... may require 'docker login'" (Docker Hub, either case).
const AUTH_PROBLEM = /unauthorized|authentication required|no basic auth credentials|access denied|\b401\b/i;

/** The pull's error message, with what to do when the registry turned the credentials (or their absence) down. */
export function explainPullError(image: string, why: string, tried: RegistryCredential[]): string {
  if (!AUTH_PROBLEM.test(why)) return why;
  const registry = imageRegistry(image);
  if (!tried.length) {
    return `${why} (authentication required by ${registry}, and no imagePullSecret has credentials for it: add a kubernetes.io/dockerconfigjson Secret, e.g. \`kubectl create secret docker-registry NAME --docker-server=${registry} --docker-username=... --docker-password=...\`, to the pod's imagePullSecrets or its ServiceAccount's)`;
  }
  const from = [...new Set(tried.map((c) => `Secret ${c.source} (user "${c.username}")`))].join(', ');
  return `${why} (authentication failed: ${registry} rejected the credentials from ${from}: check the username and password in that Secret)`;
}

const fail = (message: string, reason: 'ErrImagePull' | 'ErrImageNeverPull') => Object.assign(new Error(message), { reason });

export function createImagePuller(d: ImagePullerDeps): ImagePuller {
  const everyMs = d.progressEveryMs ?? PULL_PROGRESS_EVERY_MS;

  async function present(image: string) {
    try {
      return (await d.docker.getImage(image).inspect()).Id;
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  /** One pull through Docker's stream; errors inside the stream (after a 200) reject too. */
  async function pullOnce(image: string, auth: RegistryCredential | undefined, onLine?: (l: DockerPullLine) => void): Promise<void> {
    const authconfig = auth && { username: auth.username, password: auth.password, serveraddress: imageRegistry(image) };
    const stream: NodeJS.ReadableStream = await d.docker.pull(image, authconfig ? { authconfig } : {});
    await new Promise<void>((resolve, reject) => {
      let failed: string | undefined;
      d.docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          if (err) reject(err);
          else if (failed) reject(new Error(failed));
          else resolve();
        },
        (line: DockerPullLine) => {
          if (line.error || line.errorDetail?.message) failed ??= line.errorDetail?.message ?? line.error;
          onLine?.(line);
        },
      );
    });
  }

  /** Credentials from the pod's imagePullSecrets; unreadable ones are reported and skipped. */
  async function podCredentials(pod: KubeObject | undefined, report: (r: PullReport) => void): Promise<RegistryCredential[]> {
    const refs: { name?: string }[] = pod?.spec?.imagePullSecrets ?? [];
    if (!refs.length || !pod) return [];
    const ns = pod.metadata.namespace ?? 'default';
    const missing: string[] = [];
    const out: RegistryCredential[] = [];
    for (const ref of refs) {
      if (!ref?.name) continue;
      const secret = d.lookup ? await d.lookup('secrets', ns, ref.name).catch(() => undefined) : undefined;
      if (!secret) {
        missing.push(ref.name);
        continue;
      }
      try {
        out.push(...parseDockerConfigSecret(secret));
      } catch (e) {
        report({
          kind: 'event',
          type: 'Warning',
          reason: 'FailedToRetrieveImagePullSecret',
          message: `${(e as Error).message}; pulling without it`,
        });
      }
    }
    if (missing.length) {
      // The kubelet's own wording for this event.
      report({
        kind: 'event',
        type: 'Warning',
        reason: 'FailedToRetrieveImagePullSecret',
        message: `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
      });
    }
    return out;
  }

  return {
    present,
    pull: (image) => pullOnce(image, undefined),

    async ensure(image, opts = {}) {
      const report = opts.report ?? (() => {});
      const policy = opts.policy ?? defaultPullPolicy(image);
      const have = await present(image);
      if (have && policy !== 'Always') return have;
      if (policy === 'Never') throw fail(`Container image "${image}" is not present with pull policy of Never`, 'ErrImageNeverPull');

      const creds = credentialsFor(image, await podCredentials(opts.pod, report));
      report({ kind: 'pulling' });
      const start = Date.now();
      const progress = createPullProgress();
      const due = createProgressThrottle(everyMs, start);
      const onLine = (l: DockerPullLine) => {
        progress.update(l);
        const s = progress.summary();
        if (!s.layers) return;
        const text = formatPullProgress(image, s);
        if (due(Date.now(), text)) report({ kind: 'progress', message: text });
      };
      const errors: string[] = [];
      let ok = false;
      // Each matching credential in turn, most specific first; anonymous when none match.
      for (const auth of creds.length ? creds : [undefined]) {
        try {
          await pullOnce(image, auth, onLine);
          ok = true;
          break;
        } catch (e) {
          errors.push(dockerMessage(e));
        }
      }
      if (!ok) {
        const why = explainPullError(image, [...new Set(errors)].join('; '), creds);
        if (have) {
          // Skiff runs offline too: an Always image that is present is used rather than failing.
          d.log?.(`pull of ${image} failed (${why}); using the image present on the machine`);
          report({
            kind: 'event',
            type: 'Normal',
            reason: 'Pulled',
            message: `Container image "${image}" already present on machine; pulling it again failed: ${why}`,
          });
          return have;
        }
        throw fail(`Failed to pull image "${image}": ${why}`, 'ErrImagePull');
      }
      const pullMs = Date.now() - start;
      const info = await d.docker
        .getImage(image)
        .inspect()
        .catch(() => undefined);
      if (!info)
        throw fail(
          `Failed to pull image "${image}": the pull finished but the engine does not list the image; try \`docker pull ${image}\``,
          'ErrImagePull',
        );
      report({ kind: 'pulled', pullMs, sizeBytes: info.Size });
      return info.Id;
    },
  };
}
