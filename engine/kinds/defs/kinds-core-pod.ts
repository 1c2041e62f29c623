// core/v1 Pod: printing (READY/STATUS/RESTARTS like kubectl), selectable fields, defaults,
// create-time admission, validation and the update rule for running pods.
import type { KindDef, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { readinessGates, summarizePod, type PodSummary } from '../pod-status';
import { admitNewPod, defaultPod } from '../pod-defaults';
import { validatePodSpec, validatePodUpdate } from '../validation/pod-validation';

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

// READY, STATUS and RESTARTS come from one pass over the pod; compute it once per row.
const summaries = new WeakMap<object, { now: number; summary: PodSummary }>();
function summary(pod: KubeObject, now: number): PodSummary {
  const hit = summaries.get(pod);
  if (hit && hit.now === now) return hit.summary;
  const s = summarizePod(pod, now);
  summaries.set(pod, { now, summary: s });
  return s;
}

export const podKind: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  shortNames: ['po'],
  namespaced: true,
  categories: ['all'],
  subresources: { status: true },
  model: 'V1Pod',
  printerColumns: [
    nameColumn(),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.', (o, now) => summary(o, now).ready),
    column('Status', 'string', 'The aggregate status of the containers in this pod.', (o, now) => summary(o, now).status),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      (o, now) => summary(o, now).restarts,
    ),
    ageColumn(),
    column('IP', 'string', 'IP address allocated to the pod.', (o) => o.status?.podIPs?.[0]?.ip || o.status?.podIP || '<none>', 1),
    column('Node', 'string', 'The node the pod is bound to.', (o) => o.spec?.nodeName || '<none>', 1),
    column(
      'Nominated Node',
      'string',
      'Node the scheduler nominated for this pod after preemption.',
      (o) => o.status?.nominatedNodeName || '<none>',
      1,
    ),
    column('Readiness Gates', 'string', 'Pod readiness gates that are true, out of all gates.', (o) => readinessGates(o), 1),
  ],
  fieldSelectors: {
    'spec.nodeName': (o) => str(o.spec?.nodeName),
    'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
    'spec.schedulerName': (o) => str(o.spec?.schedulerName),
    'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
    'status.phase': (o) => str(o.status?.phase),
    'status.podIP': (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
    'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
  },
  defaults: (pod) => defaultPod(pod),
  prepareForCreate: (pod) => admitNewPod(pod),
  // A status write carries the stored spec object itself (other writes bring a decoded copy): as in
  // upstream's status update, that spec is not validated again, so a kubelet's status writes skip
  // a clone and compare of the spec.
  validate: (pod, old) =>
    old && pod.spec === old.spec ? [] : [...validatePodSpec(pod.spec, 'spec'), ...(old ? validatePodUpdate(pod, old) : [])],
});
