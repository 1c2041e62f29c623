// policy/v1 PodDisruptionBudget, and Eviction (served only as the pods/eviction subresource,
// so it is not part of builtinKinds()).
import type { FieldError } from '../types';
import { CREATE_ONLY, defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { invalid, nonNegative, oneOf, validateLabelSelector } from '../validation/validation';
import { goRaw } from '../go-format';

type Obj = Record<string, any>;

function intOrPercent(value: unknown, path: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return nonNegative(path, value);
  const m = /^([0-9]+)%$/.exec(String(value));
  if (!m)
    return [
      invalid(
        path,
        String(value),
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  return Number(m[1]) > 100 ? [invalid(path, String(value), 'must not be greater than 100%')] : [];
}

export const podDisruptionBudgetKind = defineKind({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  shortNames: ['pdb'],
  namespaced: true,
  subresources: { status: true },
  model: 'V1PodDisruptionBudget',
  printerColumns: [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number of pods that must be available.', (o) =>
      o.spec?.minAvailable === undefined ? 'N/A' : String(o.spec.minAvailable),
    ),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.', (o) =>
      o.spec?.maxUnavailable === undefined ? 'N/A' : String(o.spec.maxUnavailable),
    ),
    column(
      'Allowed Disruptions',
      'integer',
      'Calculated number of pods that may be disrupted at this time.',
      (o) => o.status?.disruptionsAllowed ?? 0,
    ),
    ageColumn(),
  ],
  prepareForCreate: (pdb) => {
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: (pdb) => {
    const spec: Obj = pdb.spec ?? {};
    const errs: FieldError[] = [];
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
      errs.push(invalid('spec', goRaw('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
    }
    errs.push(...intOrPercent(spec.minAvailable, 'spec.minAvailable'), ...intOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    errs.push(...oneOf('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget']));
    return errs;
  },
});

/** The body of POST pods/{name}/eviction. Not listed in discovery on its own. */
export const evictionKind = defineKind({
  group: 'policy',
  version: 'v1',
  kind: 'Eviction',
  plural: 'evictions',
  namespaced: true,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1Eviction',
});
