// policy/v1 PodDisruptionBudget, and Eviction (served only as the pods/eviction subresource,
// so it is not part of builtinKinds()).
import type { FieldError } from '../types';
import { CREATE_ONLY, defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { invalid, oneOf, validateIntOrPercent, validateLabelSelector } from '../validation/validation';
import { goRaw } from '../go-format';
import type { LabelSelector } from '../../apimachinery/selectors';

interface BudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: string;
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
    const spec: BudgetSpec = pdb.spec ?? {};
    const errs: FieldError[] = [];
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
      errs.push(invalid('spec', goRaw('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
    }
    errs.push(
      ...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'),
      ...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'),
    );
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
