// LimitRanger admission for new pods: fills missing container requests/limits from each
// LimitRange's default/defaultRequest (recording what it set in the kubernetes.io/limit-ranger
// annotation), then enforces min, max and maxLimitRequestRatio per Container and per Pod with
// upstream's messages ("maximum cpu usage per Container is 1, but limit is 2"). PVC storage
// min/max are checked too.
import type { KindDef, KubeObject } from '../../kinds/types';
import { parseQuantity } from '../../apimachinery/quantity';
import { qosClass } from '../../kinds/pod-defaults';
import { errors } from '../status';
import type { AdmissionPlugin, AdmissionStorage } from './admission-chain';
import { formatResource, isBinaryText } from '../../apimachinery/quantity-format';
import { podResources } from '../../kinds/quota-usage';
import type { Container } from '../../apimachinery/pod-types';

/** The bounds one LimitRange item sets (quantities as written). */
interface LimitBounds {
  min?: Record<string, string>;
  max?: Record<string, string>;
  maxLimitRequestRatio?: Record<string, string>;
}
type List = Record<string, string>;

/** Quantity.String(): canonical text of a quantity as the user wrote it. */
const show = (name: string, q: unknown) =>
  formatResource(name, parseQuantity(q) ?? 0, isBinaryText(q) || (typeof q === 'string' && /^[0-9.]+$/.test(q) ? false : undefined));

function fillDefaults(c: Container, defaults: List, requests: List, kind: string, notes: string[]) {
  c.resources ??= {};
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(defaults)) {
    if (c.resources.limits?.[k] !== undefined) continue;
    (c.resources.limits ??= {})[k] = v;
    setLimits.push(k);
  }
  for (const [k, v] of Object.entries(requests)) {
    if (c.resources.requests?.[k] !== undefined) continue;
    (c.resources.requests ??= {})[k] = v;
    setRequests.push(k);
  }
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${kind} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${kind} ${c.name}`);
}

/** min / max / maxLimitRequestRatio of one item against one set of requests and limits. */
function checkItem(item: LimitBounds, type: string, req: Record<string, unknown>, lim: Record<string, unknown>, errs: string[]) {
  const val = (v: unknown) => parseQuantity(v) ?? 0;
  for (const [k, min] of Object.entries(item.min ?? {})) {
    const m = show(k, min);
    if (req[k] === undefined) errs.push(`minimum ${k} usage per ${type} is ${m}.  No request is specified`);
    else if (val(req[k]) < val(min)) errs.push(`minimum ${k} usage per ${type} is ${m}, but request is ${show(k, req[k])}`);
    else if (lim[k] !== undefined && val(lim[k]) < val(min))
      errs.push(`minimum ${k} usage per ${type} is ${m}, but limit is ${show(k, lim[k])}`);
  }
  for (const [k, max] of Object.entries(item.max ?? {})) {
    const m = show(k, max);
    if (lim[k] === undefined) errs.push(`maximum ${k} usage per ${type} is ${m}.  No limit is specified`);
    else if (val(lim[k]) > val(max)) errs.push(`maximum ${k} usage per ${type} is ${m}, but limit is ${show(k, lim[k])}`);
    else if (req[k] !== undefined && val(req[k]) > val(max))
      errs.push(`maximum ${k} usage per ${type} is ${m}, but request is ${show(k, req[k])}`);
  }
  for (const [k, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const r = show(k, ratio);
    if (req[k] === undefined || val(req[k]) === 0)
      errs.push(`${k} max limit to request ratio per ${type} is ${r}, but no request is specified or request is 0`);
    else if (lim[k] === undefined || val(lim[k]) === 0)
      errs.push(`${k} max limit to request ratio per ${type} is ${r}, but no limit is specified or limit is 0`);
    else {
      const observed = val(lim[k]) / val(req[k]);
      if (observed > val(ratio) + 1e-9)
        errs.push(`${k} max limit to request ratio per ${type} is ${r}, but provided ratio is ${observed.toFixed(6)}`);
    }
  }
}

/** Pod-level totals as quantity-like numbers (checkItem parses either). */
const totals = (pod: KubeObject, field: 'requests' | 'limits') => podResources(pod, field) as Record<string, unknown>;

function admitPod(pod: KubeObject, ranges: KubeObject[]): string[] {
  const spec = (pod.spec ??= {});
  const notes: string[] = [];
  for (const lr of ranges) {
    const defaults: List = {};
    const requests: List = {};
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      Object.assign(defaults, item.default ?? {});
      Object.assign(requests, item.defaultRequest ?? {});
    }
    for (const c of spec.initContainers ?? []) fillDefaults(c, defaults, requests, 'init container', notes);
    for (const c of spec.containers ?? []) fillDefaults(c, defaults, requests, 'container', notes);
  }
  if (notes.length) {
    pod.metadata.annotations = {
      ...(pod.metadata.annotations ?? {}),
      'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}`,
    };
    if (pod.status) pod.status.qosClass = qosClass(spec);
  }
  const errs: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type === 'Container') {
        for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
          checkItem(item, 'Container', c.resources?.requests ?? {}, c.resources?.limits ?? {}, errs);
        }
      } else if (item.type === 'Pod') {
        checkItem(item, 'Pod', totals(pod, 'requests'), totals(pod, 'limits'), errs);
      }
    }
  }
  return errs;
}

function admitClaim(pvc: KubeObject, ranges: KubeObject[]): string[] {
  const errs: string[] = [];
  const req = pvc.spec?.resources?.requests ?? {};
  const lim = pvc.spec?.resources?.limits ?? {};
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'PersistentVolumeClaim') continue;
      // Claims have no limits in practice: max applies to the request.
      checkItem({ min: item.min }, 'PersistentVolumeClaim', req, lim, errs);
      for (const [k, max] of Object.entries(item.max ?? {})) {
        if (req[k] === undefined) errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${show(k, max)}.  No request is specified`);
        else if ((parseQuantity(req[k]) ?? 0) > (parseQuantity(max) ?? 0))
          errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${show(k, max)}, but request is ${show(k, req[k])}`);
      }
    }
  }
  return errs;
}

export function createLimitRangeAdmission(storage: AdmissionStorage): AdmissionPlugin {
  return {
    name: 'LimitRanger',
    appliesTo: (def: KindDef) => def.group === '' && (def.plural === 'pods' || def.plural === 'persistentvolumeclaims'),
    async admit(def: KindDef, obj: KubeObject, old: KubeObject | undefined) {
      if (old || def.group !== '') return;
      if (def.plural !== 'pods' && def.plural !== 'persistentvolumeclaims') return;
      const ranges = await storage.list('', 'v1', 'limitranges', obj.metadata.namespace);
      if (ranges.length === 0) return;
      const errs = def.plural === 'pods' ? admitPod(obj, ranges) : admitClaim(obj, ranges);
      if (errs.length === 0) return;
      const msg = errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
      throw errors.forbidden(`${def.plural} "${obj.metadata.name ?? ''}" is forbidden: ${msg}`);
    },
  };
}
