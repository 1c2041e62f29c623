// The policy a namespace's `pod-security.kubernetes.io/*` labels ask for, over the cluster's
// defaults (upstream's api.PolicyToEvaluate). Invalid enforce values keep the default (fail
// closed); invalid audit/warn levels become privileged (fail open), as upstream.
import type { FieldError } from '../../../kinds/types';
import { invalid } from '../../../kinds/validation/field-errors';
import { compareLevels, LEVEL_ERROR, parseLevel, parseVersion, VERSION_ERROR, type LevelVersion } from './levels';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const MODES = ['enforce', 'audit', 'warn'] as const;
export type Mode = (typeof MODES)[number];

export type Policy = Record<Mode, LevelVersion>;

export function isFullyPrivileged(p: Policy): boolean {
  return MODES.every((m) => p[m].level === 'privileged');
}

/**
 * The namespace's policy and any label errors (field paths as upstream: metadata.labels[key]).
 * One deviation, because Skiff's defaults are not all privileged: when a namespace sets its
 * enforce level but not warn (or audit), those follow the enforce level down as well as up,
 * so `enforce=privileged` does not keep warning at the default level.
 */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy): { policy: Policy; errors: FieldError[] } {
  const p: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels || typeof labels !== 'object') return { policy: p, errors };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, LABEL_PREFIX + k);
  let enforceLevelSet = false;
  for (const mode of MODES) {
    const levelKey = LABEL_PREFIX + mode;
    if (has(mode)) {
      const text = String(labels[levelKey]);
      const level = parseLevel(text);
      if (level) p[mode].level = level;
      else {
        errors.push(invalid(`metadata.labels[${levelKey}]`, text, LEVEL_ERROR));
        if (mode !== 'enforce') p[mode].level = 'privileged';
      }
      if (mode === 'enforce') enforceLevelSet = !!level;
    }
    const versionKey = `${levelKey}-version`;
    if (has(`${mode}-version`)) {
      const text = String(labels[versionKey]);
      const version = parseVersion(text);
      if (version) p[mode].version = version;
      else {
        errors.push(invalid(`metadata.labels[${versionKey}]`, text, VERSION_ERROR));
        p[mode].version = { latest: true };
      }
    }
  }
  if (enforceLevelSet) {
    for (const mode of ['audit', 'warn'] as const) {
      if (has(mode) || compareLevels(p.enforce.level, p[mode].level) === 0) continue;
      p[mode].level = p.enforce.level;
      if (!has(`${mode}-version`)) p[mode].version = p.enforce.version;
    }
  }
  return { policy: p, errors };
}
