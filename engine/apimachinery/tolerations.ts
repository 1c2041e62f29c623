// Whether a toleration tolerates a taint, as upstream's Toleration.ToleratesTaint: an empty effect
// matches every effect, Exists with an empty key matches every taint, Equal compares the values.
// The one check for the scheduler's filters and scores and the DaemonSet and taint-eviction
// controllers.
import type { Taint, Toleration } from './workload-types';

export function tolerationMatches(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}

/** Whether any of the tolerations tolerates the taint. */
export function toleratedBy(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => tolerationMatches(t, taint));
}
