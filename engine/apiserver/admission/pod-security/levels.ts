// Pod Security levels and policy versions as upstream's pod-security-admission spells them:
// `privileged` < `baseline` < `restricted`, versions `latest` or `v1.<minor>`.
import { kubernetesVersion } from '../../discovery/version';

export type Level = 'privileged' | 'baseline' | 'restricted';
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/** A policy version: a minor of v1, or `latest` (newest checks this server knows). */
export type Version = { latest: true } | { latest: false; minor: number };
export const LATEST: Version = { latest: true };

export interface LevelVersion {
  level: Level;
  version: Version;
}

/** The newest check versions this server applies (its own Kubernetes minor). */
export const NEWEST_MINOR = Number(kubernetesVersion.minor);

export function parseLevel(text: string): Level | undefined {
  return (LEVELS as readonly string[]).includes(text) ? (text as Level) : undefined;
}

export const LEVEL_ERROR = `must be one of ${LEVELS.join(', ')}`;
export const VERSION_ERROR = 'must be "latest" or "v1.x"';

export function parseVersion(text: string): Version | undefined {
  if (text === 'latest') return LATEST;
  const m = /^v1\.(0|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const minor = Number(m[1]);
  return Number.isSafeInteger(minor) ? { latest: false, minor } : undefined;
}

export function versionText(v: Version): string {
  return v.latest ? 'latest' : `v1.${v.minor}`;
}

/** `baseline:latest`, as in "violates PodSecurity \"baseline:latest\"". */
export function levelVersionText(lv: LevelVersion): string {
  return `${lv.level}:${versionText(lv.version)}`;
}

/** The minor whose checks apply: `latest` and versions newer than this server use the newest. */
export function effectiveMinor(v: Version): number {
  return v.latest ? NEWEST_MINOR : Math.min(v.minor, NEWEST_MINOR);
}

/** <0, 0, >0 as `a` is less strict, as strict, or stricter than `b`. */
export function compareLevels(a: Level, b: Level): number {
  return LEVELS.indexOf(a) - LEVELS.indexOf(b);
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && versionText(a.version) === versionText(b.version);
}
