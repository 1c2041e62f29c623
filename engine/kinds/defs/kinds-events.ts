// events.k8s.io/v1 Event: the newer shape of core/v1 Events (client-go's tools/events recorder
// writes it). As upstream, both live in one key space, stored in the core/v1 shape; this kind
// converts on the way in and out, and prints, selects and validates through that conversion.
import type { FieldError, KubeObject, PrinterColumn } from '../types';
import { defineKind } from './define-kind';
import { eventColumns, eventFieldSelectors } from './kinds-core-event';
import { invalid, required } from '../validation/field-errors';
import { isQualifiedName } from '../../apimachinery/validation-strings';

type Obj = Record<string, unknown>;

/** The fields this file reads, on either shape (both are open JSON: KubeObject's body is `any`). */
interface EventFields {
  metadata: KubeObject['metadata'];
  eventTime?: unknown;
  series?: { count?: number; lastObservedTime?: unknown };
  action?: string;
  reason?: string;
  type?: string;
  related?: unknown;
  // events.k8s.io/v1
  note?: string;
  regarding?: unknown;
  reportingController?: string;
  reportingInstance?: string;
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: unknown;
  deprecatedLastTimestamp?: unknown;
  deprecatedCount?: number;
  // core/v1
  message?: string;
  involvedObject?: unknown;
  reportingComponent?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: unknown;
  lastTimestamp?: unknown;
  count?: number;
}

/** Drops undefined fields so converted objects carry only what was set. */
function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const nonEmpty = (v: unknown) => (v === '' || v === null ? undefined : v);

/** events.k8s.io/v1 → core/v1 (upstream's field mapping: note↔message, regarding↔involvedObject,
 *  reportingController↔reportingComponent, deprecated*↔source/firstTimestamp/lastTimestamp/count). */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  const e = obj as EventFields;
  return defined({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    reason: nonEmpty(e.reason),
    message: nonEmpty(e.note),
    source: e.deprecatedSource ?? {},
    firstTimestamp: e.deprecatedFirstTimestamp ?? null,
    lastTimestamp: e.deprecatedLastTimestamp ?? null,
    count: e.deprecatedCount || undefined,
    type: nonEmpty(e.type),
    eventTime: e.eventTime ?? null,
    series: e.series ?? undefined,
    action: nonEmpty(e.action),
    related: e.related ?? undefined,
    reportingComponent: e.reportingController ?? '',
    reportingInstance: e.reportingInstance ?? '',
  }) as KubeObject;
}

/** core/v1 → events.k8s.io/v1. */
export function coreToEventsV1(obj: KubeObject): KubeObject {
  const e = obj as EventFields;
  const source = defined({ component: nonEmpty(e.source?.component), host: nonEmpty(e.source?.host) });
  return defined({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    series: e.series ?? undefined,
    reportingController: nonEmpty(e.reportingComponent),
    reportingInstance: nonEmpty(e.reportingInstance),
    action: nonEmpty(e.action),
    reason: nonEmpty(e.reason),
    regarding: e.involvedObject ?? {},
    related: e.related ?? undefined,
    note: nonEmpty(e.message),
    type: nonEmpty(e.type),
    deprecatedSource: source,
    deprecatedFirstTimestamp: e.firstTimestamp ?? null,
    deprecatedLastTimestamp: e.lastTimestamp ?? null,
    deprecatedCount: e.count || undefined,
  }) as KubeObject;
}

const viaCore = (c: PrinterColumn): PrinterColumn => ({ ...c, cell: (o, now) => c.cell(eventsV1ToCore(o), now) });

/** Upstream's checks for Events written through events.k8s.io/v1 (field paths in its terms). */
function validateEventsV1(e: EventFields, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const limit = (field: string, value: unknown, max: number) => {
    if (typeof value === 'string' && value.length > max) errs.push(invalid(field, '', `can have at most ${max} characters`));
  };
  if (!e.reportingController) errs.push(required('reportingController'));
  else for (const msg of isQualifiedName(e.reportingController)) errs.push(invalid('reportingController', e.reportingController, msg));
  if (!e.reportingInstance) errs.push(required('reportingInstance'));
  limit('reportingInstance', e.reportingInstance, 128);
  if (!e.action) errs.push(required('action'));
  limit('action', e.action, 128);
  if (!e.reason) errs.push(required('reason'));
  limit('reason', e.reason, 128);
  limit('note', e.note, 1024);
  if (old) return errs;
  // Strict checks apply to creation through this API only (older writers used core/v1).
  if (!e.eventTime) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (e.deprecatedFirstTimestamp) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (e.deprecatedLastTimestamp) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (e.deprecatedCount) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  if (e.deprecatedSource?.component || e.deprecatedSource?.host) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  if (e.series) {
    if (!((e.series.count ?? 0) >= 2)) errs.push(invalid('series.count', '', 'should be at least 2'));
    if (!e.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  }
  return errs;
}

export const eventsV1Kind = defineKind({
  storage: { group: '', toStored: eventsV1ToCore, fromStored: coreToEventsV1 },
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  model: 'EventsV1Event',
  printerColumns: eventColumns().map(viaCore),
  fieldSelectors: Object.fromEntries(Object.entries(eventFieldSelectors).map(([k, f]) => [k, (o: KubeObject) => f(eventsV1ToCore(o))])),
  validate: (e, old) => validateEventsV1(e, old),
});
