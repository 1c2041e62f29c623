// Checks shared by controllers that own pods through a selector and a template
// (ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job).
import type { FieldError } from '../types';
import { FIELD_IMMUTABLE, deepEqual, invalid, nonNegative, required, selectorMatches, validateLabelSelector } from './validation';
import { goLabelSelector, goRaw, goStringMap } from '../go-format';
import { validatePodTemplate, type PodSpecOptions } from './pod-validation';
import type { LabelSelector } from '../../apimachinery/selectors';
import type { PodTemplateSpec } from '../../apimachinery/pod-types';

/** The spec fields of a workload these checks read. */
interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelector | null;
  template?: PodTemplateSpec;
}

const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

export interface SelectorTemplateOptions extends PodSpecOptions {
  /** Word used in "empty selector is invalid for <x>" (upstream says "deployment" for ReplicaSets too). */
  emptySelectorNoun: string;
}

/** spec.selector (a LabelSelector) must exist, be non-empty and select the template's labels. */
export function validateSelectorAndTemplate(spec: WorkloadSpec | undefined, opts: SelectorTemplateOptions): FieldError[] {
  const s: WorkloadSpec = spec ?? {};
  const errs: FieldError[] = [];
  const sel = s.selector;
  if (!sel) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (isEmptySelector(sel))
      errs.push(invalid('spec.selector', goRaw(goLabelSelector(sel)), `empty selector is invalid for ${opts.emptySelectorNoun}`));
  }
  if (!s.template) {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels = s.template.metadata?.labels;
  if (sel && !isEmptySelector(sel) && !selectorMatches(sel, labels)) {
    errs.push(invalid('spec.template.metadata.labels', goRaw(goStringMap(labels ?? {})), SELECTOR_MISMATCH));
  }
  errs.push(...validatePodTemplate(s.template, 'spec.template', opts));
  return errs;
}

/** ReplicationController's selector is a plain label map. */
export function validateMapSelectorAndTemplate(
  spec: { selector?: Record<string, string>; template?: PodTemplateSpec } | undefined,
): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const sel: Record<string, string> = s.selector ?? {};
  if (Object.keys(sel).length === 0) errs.push(required('spec.selector'));
  if (!s.template) {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels: Record<string, string> = s.template.metadata?.labels ?? {};
  if (Object.keys(sel).length && !Object.entries(sel).every(([k, v]) => labels[k] === v)) {
    errs.push(invalid('spec.template.metadata.labels', goRaw(goStringMap(labels)), SELECTOR_MISMATCH));
  }
  errs.push(
    ...validatePodTemplate(s.template, 'spec.template', { restartPolicies: ['Always'], noActiveDeadlineFor: 'ReplicationController' }),
  );
  return errs;
}

export function validateReplicas(spec: WorkloadSpec | undefined): FieldError[] {
  return nonNegative('spec.replicas', spec?.replicas);
}

/** The selector of apps/v1 workloads cannot change after creation. */
export function validateSelectorImmutable(spec: WorkloadSpec | undefined, oldSpec: WorkloadSpec | undefined): FieldError[] {
  if (deepEqual(spec?.selector ?? null, oldSpec?.selector ?? null)) return [];
  return [invalid('spec.selector', goRaw(goLabelSelector(spec?.selector)), FIELD_IMMUTABLE)];
}
