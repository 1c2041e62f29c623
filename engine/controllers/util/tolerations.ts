// Whether a toleration tolerates a taint, as upstream's Toleration.ToleratesTaint: an empty effect
// matches every effect, Exists with an empty key matches every taint, Equal compares the values.
import type { Taint, Toleration } from '../../apimachinery/workload-types';

export function tolerationMatches(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}
