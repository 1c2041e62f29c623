// core/v1 Event: `kubectl get events` columns (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; more
// with -o wide) and the involvedObject.* field selectors that `kubectl describe` relies on.
import type { KubeObject, PrinterColumn } from '../types';
import { defineKind } from './define-kind';
import { column, nameColumn } from '../printing';
import { timestampSince } from '../human-duration';
import { required } from '../validation/validation';

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function firstSeen(e: KubeObject, now: number): string {
  return e.firstTimestamp ? timestampSince(e.firstTimestamp, now) : timestampSince(e.eventTime, now);
}

function lastSeen(e: KubeObject, now: number): string {
  // Series events (events.k8s.io) report their last observation; singletons their first.
  if (e.series) return timestampSince(e.series.lastObservedTime, now);
  return e.lastTimestamp ? timestampSince(e.lastTimestamp, now) : firstSeen(e, now);
}

function count(e: KubeObject): string {
  if (e.series) return String(e.series.count ?? 0);
  return String(e.count || 1);
}

function target(e: KubeObject): string {
  const kind = str(e.involvedObject?.kind).toLowerCase();
  return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
}

function source(e: KubeObject): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

/** `kubectl get events` columns, over the core/v1 shape (events.k8s.io/v1 converts first). */
export function eventColumns(): PrinterColumn[] {
  // As upstream: the Name column comes last and only with -o wide.
  return [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.', lastSeen),
    column('Type', 'string', 'Type of this event (Normal, Warning).', (e) => str(e.type)),
    column('Reason', 'string', 'Short, machine understandable reason for the transition.', (e) => str(e.reason)),
    column('Object', 'string', 'The object that this event is about.', target),
    column('Subobject', 'string', 'The part of the object this event is about (fieldPath).', (e) => str(e.involvedObject?.fieldPath), 1),
    column('Source', 'string', 'The component reporting this event.', source, 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.', (e) => str(e.message).trim()),
    column('First Seen', 'string', 'The time at which the event was first recorded.', firstSeen, 1),
    column('Count', 'string', 'The number of times this event has occurred.', count, 1),
    { ...nameColumn(), priority: 1 },
  ];
}

/** Field selectors over the core/v1 shape (upstream computes them on the internal Event). */
export const eventFieldSelectors: Record<string, (e: KubeObject) => string> = {
  'involvedObject.kind': (e) => str(e.involvedObject?.kind),
  'involvedObject.namespace': (e) => str(e.involvedObject?.namespace),
  'involvedObject.name': (e) => str(e.involvedObject?.name),
  'involvedObject.uid': (e) => str(e.involvedObject?.uid),
  'involvedObject.apiVersion': (e) => str(e.involvedObject?.apiVersion),
  'involvedObject.resourceVersion': (e) => str(e.involvedObject?.resourceVersion),
  'involvedObject.fieldPath': (e) => str(e.involvedObject?.fieldPath),
  reason: (e) => str(e.reason),
  reportingComponent: (e) => str(e.reportingComponent),
  source: (e) => str(e.source?.component),
  type: (e) => str(e.type),
};

export const eventKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  model: 'CoreV1Event',
  printerColumns: eventColumns(),
  fieldSelectors: eventFieldSelectors,
  validate: (e) => (e.involvedObject ? [] : [required('involvedObject')]),
});
