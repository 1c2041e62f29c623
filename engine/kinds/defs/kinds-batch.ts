// batch/v1 Job and CronJob: STATUS/COMPLETIONS/DURATION printing, defaults, the generated
// controller-uid selector, and validation (restart policy, immutable template/selector).
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, boolPtr, column, formatSelector, nameColumn, templateColumns } from '../printing';
import { durationBetween, timestampSince } from '../human-duration';
import { defaultPodTemplate } from '../pod-defaults';
import { validatePodTemplate } from '../validation/pod-validation';
import {
  FIELD_IMMUTABLE,
  deepEqual,
  invalid,
  key,
  maxLenError,
  nonNegative,
  oneOf,
  required,
  selectorMatches,
  validateLabelSelector,
} from '../validation/validation';
import { goLabelSelector, goRaw, goStringMap } from '../go-format';
import { cronScheduleError } from '../cron-schedule';
import type { Condition } from '../../apimachinery/workload-types';
import type { LabelSelector } from '../../apimachinery/selectors';
import type { PodTemplateSpec } from '../../apimachinery/pod-types';

/** The Job spec fields defaulting and validation read. */
interface JobSpec {
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  ttlSecondsAfterFinished?: number;
  activeDeadlineSeconds?: number;
  completionMode?: string;
  suspend?: boolean;
  manualSelector?: boolean;
  podReplacementPolicy?: string;
  podFailurePolicy?: { rules?: { onPodConditions?: { status?: string }[] }[] };
  selector?: LabelSelector | null;
  template?: PodTemplateSpec;
}

interface CronJobSpec {
  schedule?: string;
  concurrencyPolicy?: string;
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: { spec?: { template?: PodTemplateSpec } };
}
const UID_LABEL = 'batch.kubernetes.io/controller-uid';
const JOB_RESTART = { restartPolicies: ['OnFailure', 'Never'] };

function jobCondition(job: KubeObject, type: string): boolean {
  return (job.status?.conditions ?? []).some((c: Condition) => c.type === type && c.status === 'True');
}

export function jobStatus(job: KubeObject): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: KubeObject): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec?.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime;
  return end ? durationBetween(start, end) : timestampSince(start, now);
}

/** Job defaults (SetDefaults_Job) for a JobSpec; shared with CronJob's jobTemplate only for the pod template. */
function defaultJobSpec(spec: JobSpec): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const c of rule.onPodConditions ?? []) c.status ??= 'True';
  defaultPodTemplate(spec.template);
}

/** Without manualSelector the server selects the job's pods by its uid and labels the template. */
function generateSelector(job: KubeObject): void {
  const spec = (job.spec ??= {});
  if (spec.manualSelector === true) return;
  const template = (spec.template ??= {});
  const labels: Record<string, string> = ((template.metadata ??= {}).labels ??= {});
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  labels['controller-uid'] ??= uid;
  labels[UID_LABEL] ??= uid;
  labels['job-name'] ??= name;
  labels['batch.kubernetes.io/job-name'] ??= name;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  spec.selector.matchLabels[UID_LABEL] ??= uid;
}

function validateJobSpec(job: KubeObject, old?: KubeObject): FieldError[] {
  const spec: JobSpec = job.spec ?? {};
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished'] as const)
    errs.push(...nonNegative(`spec.${f}`, spec[f]));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) {
    errs.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than or equal to 1'));
  }
  errs.push(...oneOf('spec.completionMode', spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && spec.completions === undefined)
    errs.push(required('spec.completions', 'when completion mode is Indexed'));
  const sel = spec.selector;
  if (!sel) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    const labels = spec.template?.metadata?.labels;
    if (!selectorMatches(sel, labels)) {
      errs.push(invalid('spec.template.metadata.labels', goRaw(goStringMap(labels ?? {})), '`selector` does not match template `labels`'));
    }
    if (!old && spec.manualSelector !== true) {
      const uid = job.metadata.uid ?? '';
      if (sel.matchLabels?.[UID_LABEL] !== uid)
        errs.push(invalid('spec.selector', goRaw(goLabelSelector(sel)), '`selector` not auto-generated'));
      if (labels?.[UID_LABEL] !== uid) errs.push(required(key('spec.template.metadata.labels', UID_LABEL), `must be '${uid}'`));
    }
  }
  errs.push(...validatePodTemplate(spec.template, 'spec.template', JOB_RESTART));
  if (old) {
    const prev: JobSpec = old.spec ?? {};
    if (!deepEqual(sel ?? null, prev.selector ?? null)) errs.push(invalid('spec.selector', goRaw(goLabelSelector(sel)), FIELD_IMMUTABLE));
    // A suspended job that never started may still be adjusted before it runs.
    if (!(prev.suspend === true && !old.status?.startTime) && !deepEqual(spec.template, prev.template)) {
      errs.push(invalid('spec.template', goRaw('core.PodTemplateSpec{...}'), FIELD_IMMUTABLE));
    }
    if (spec.completionMode !== prev.completionMode) errs.push(invalid('spec.completionMode', spec.completionMode ?? '', FIELD_IMMUTABLE));
    if (spec.completionMode !== 'Indexed' && spec.completions !== prev.completions)
      errs.push(invalid('spec.completions', spec.completions ?? null, FIELD_IMMUTABLE));
  }
  return errs;
}

export const jobKind = defineKind({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V1Job',
  printerColumns: [
    nameColumn(),
    column('Status', 'string', 'Status of the job.', jobStatus),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.', jobCompletions),
    column('Duration', 'string', 'Time required to complete the job.', jobDuration),
    ageColumn(),
    ...templateColumns(
      (o) => o.spec?.template?.spec?.containers,
      (o) => formatSelector(o.spec?.selector),
    ),
  ],
  fieldSelectors: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  defaults: (job) => defaultJobSpec((job.spec ??= {})),
  prepareForCreate: (job) => {
    generateSelector(job);
    // Jobs without labels take their pods' labels, as reading them back from storage shows.
    const tl = job.spec?.template?.metadata?.labels;
    if (tl && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...tl };
    job.status = {};
  },
  validate: (job, old) => validateJobSpec(job, old),
});

export const cronJobKind = defineKind({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  shortNames: ['cj'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V1CronJob',
  printerColumns: [
    nameColumn(),
    column('Schedule', 'string', 'The schedule in Cron format.', (o) => o.spec?.schedule ?? ''),
    column('Timezone', 'string', 'The time zone name for the given schedule.', (o) => o.spec?.timeZone ?? '<none>'),
    column('Suspend', 'boolean', 'Whether subsequent executions are suspended.', (o) => boolPtr(o.spec?.suspend)),
    column('Active', 'integer', 'Number of currently running jobs.', (o) => (o.status?.active ?? []).length),
    column('Last Schedule', 'string', 'When the job was last successfully scheduled.', (o, now) =>
      o.status?.lastScheduleTime ? timestampSince(o.status.lastScheduleTime, now) : '<none>',
    ),
    ageColumn(),
    ...templateColumns(
      (o) => o.spec?.jobTemplate?.spec?.template?.spec?.containers,
      (o) => formatSelector(o.spec?.jobTemplate?.spec?.selector),
    ),
  ],
  defaults: (cj) => {
    const spec = (cj.spec ??= {});
    spec.concurrencyPolicy ??= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    defaultPodTemplate(spec.jobTemplate?.spec?.template);
  },
  prepareForCreate: (cj) => {
    cj.status = {};
  },
  validate: (cj) => {
    const spec: CronJobSpec = cj.spec ?? {};
    const errs: FieldError[] = [];
    // Job names get an 11-character suffix, so CronJob names stay within 52 characters.
    const name = cj.metadata.name ?? '';
    if (name.length > 52) errs.push(invalid('metadata.name', name, maxLenError(52)));
    if (!spec.schedule) errs.push(required('spec.schedule'));
    else if (/(^|\s)(CRON_)?TZ=/.test(spec.schedule))
      errs.push(invalid('spec.schedule', spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else {
      const bad = cronScheduleError(spec.schedule);
      if (bad) errs.push(invalid('spec.schedule', spec.schedule, bad));
    }
    errs.push(...oneOf('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
    for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const)
      errs.push(...nonNegative(`spec.${f}`, spec[f]));
    if (!spec.jobTemplate) errs.push(required('spec.jobTemplate'));
    else errs.push(...validatePodTemplate(spec.jobTemplate.spec?.template, 'spec.jobTemplate.spec.template', JOB_RESTART));
    return errs;
  },
});
