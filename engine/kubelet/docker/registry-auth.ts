// Registry credentials from image pull Secrets, matched to an image the way the kubelet's
// credential keyring does: keys are schemeless URLs (host[:port][/path]), `*` globs match one DNS
// label, the port must be equal, the key's path must prefix the repository's, and the most
// specific key comes first. Docker Hub keys (index.docker.io, docker.io) match Hub images.
import type { KubeObject } from '../../kinds/types';
import { isPlainObject } from '../../kinds/custom/structural-schema';

export interface RegistryCredential {
  /** The key it was stored under in the Secret, e.g. `127.0.0.1:5000` or `https://index.docker.io/v1/`. */
  server: string;
  username: string;
  password: string;
  /** Where it came from, `namespace/name` of the Secret, for messages. */
  source: string;
}

const HUB_KEYS = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io']);

/** `busybox` → `docker.io/library/busybox`; `host:5000/a/b:tag` → `host:5000/a/b` (tag or digest dropped). */
export function imageRepository(image: string): string {
  let name = image.split('@')[0];
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (hasHost) return name;
  return `docker.io/${slash < 0 ? `library/${name}` : name}`;
}

/** The registry host (with port) an image is pulled from; `docker.io` for Docker Hub. */
export function imageRegistry(image: string): string {
  return imageRepository(image).split('/')[0];
}

/** A key as the keyring stores it: no scheme, `/v1/` or `/v2/` treated as the host itself. */
export function normalizeKey(key: string): string {
  let k = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = k.indexOf('/');
  let host = slash < 0 ? k : k.slice(0, slash);
  let path = slash < 0 ? '' : k.slice(slash);
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3);
  if (path === '/') path = '';
  host = host.toLowerCase();
  if (HUB_KEYS.has(host)) host = 'docker.io';
  k = host + path;
  return k.replace(/\/+$/, '');
}

function splitHost(hostPort: string): { labels: string[]; port: string } {
  const m = /^(.*?)(?::(\d+))?$/.exec(hostPort)!;
  return { labels: m[1].split('.'), port: m[2] ?? '' };
}

/** Whether a normalized key matches a repository (`host[:port]/path`), with the keyring's rules. */
export function keyMatches(key: string, repository: string): boolean {
  const [kHost, ...kPath] = key.split('/');
  const [rHost, ...rPath] = repository.split('/');
  const k = splitHost(kHost);
  const r = splitHost(rHost);
  if (k.port !== r.port || k.labels.length !== r.labels.length) return false;
  const kp = kPath.length ? `/${kPath.join('/')}` : '';
  const rp = rPath.length ? `/${rPath.join('/')}` : '';
  if (!rp.startsWith(kp)) return false;
  return k.labels.every((glob, i) => globLabel(glob, r.labels[i]));
}

function globLabel(glob: string, label: string): boolean {
  if (!glob.includes('*')) return glob === label;
  const re = new RegExp(
    `^${glob
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]*')}$`,
  );
  return re.test(label);
}

/** Credentials for an image, most specific key first (several may match; each is tried in turn). */
export function credentialsFor(image: string, creds: RegistryCredential[]): RegistryCredential[] {
  const repo = imageRepository(image);
  const keyed = creds.map((c) => ({ c, key: normalizeKey(c.server) })).filter((x) => keyMatches(x.key, repo));
  // Reverse lexical order of keys puts longer paths of one host first, as the keyring's index does.
  return keyed.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0)).map((x) => x.c);
}

/** One registry's entry of a docker config. */
interface DockerConfigEntry {
  username?: string;
  password?: string;
  auth?: string;
}

const decode = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');

/**
 * The credentials a `kubernetes.io/dockerconfigjson` (or legacy `kubernetes.io/dockercfg`) Secret
 * holds. Throws a message naming the Secret and what is wrong with it; other Secret types hold
 * none (the kubelet ignores them too).
 */
export function parseDockerConfigSecret(secret: KubeObject): RegistryCredential[] {
  const source = `${secret.metadata.namespace ?? 'default'}/${secret.metadata.name}`;
  const data: Record<string, string> = secret.data ?? {};
  let raw: string;
  let wrapped: boolean;
  if (secret.type === 'kubernetes.io/dockerconfigjson' && data['.dockerconfigjson'] !== undefined) {
    raw = decode(data['.dockerconfigjson']);
    wrapped = true;
  } else if (secret.type === 'kubernetes.io/dockercfg' && data['.dockercfg'] !== undefined) {
    raw = decode(data['.dockercfg']);
    wrapped = false;
  } else {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new Error(
      `Secret ${source} does not hold valid JSON docker config (${(e as Error).message}); recreate it with \`kubectl create secret docker-registry\``,
    );
  }
  const auths = wrapped && isPlainObject(parsed) ? parsed.auths : parsed;
  if (!isPlainObject(auths)) {
    throw new Error(
      `Secret ${source} has no "auths" object in its docker config; recreate it with \`kubectl create secret docker-registry\``,
    );
  }
  const out: RegistryCredential[] = [];
  for (const [server, value] of Object.entries(auths)) {
    const entry = isPlainObject(value) ? (value as DockerConfigEntry) : undefined;
    let username = String(entry?.username ?? '');
    let password = String(entry?.password ?? '');
    // `auth` is base64("user:password") and wins, as docker's config loader decides.
    if (entry?.auth) {
      const s = decode(entry.auth);
      const i = s.indexOf(':');
      if (i < 0) throw new Error(`Secret ${source}: the "auth" of ${server} is not base64 of "user:password"`);
      username = s.slice(0, i);
      password = s.slice(i + 1);
    }
    out.push({ server, username, password, source });
  }
  return out;
}
