// The subresources any kind may declare: status and scale (built-ins and custom resources).
import type { KindDef, KubeObject } from '../../kinds/types';
import type { SubresourceHandler } from '../handler-deps';
import { errors } from '../status';
import { readJson, readPatch } from '../request-decoding';
import { isDryRun, wantsTable, includeObjectParam } from '../request-options';
import { toTable } from '../table';
import { selectorToString, type LabelSelector } from '../../apimachinery/selectors';
import { mediaType } from '../body';
import { APPLY_PATCH_TYPES, fieldManagerOf, handleApply } from '../apply-handler';

/** <resource>/status: the whole object read, and writes that change only its status (the strategy decides). */
export const statusSubresource: SubresourceHandler = {
  async serve({ deps, def, ns, name, req, q, method, request }) {
    const opts = { dryRun: isDryRun(q), subresource: 'status' as const, request };
    if (method === 'GET') {
      const obj = await deps.resources.get(def, ns, name);
      return { status: 200, body: wantsTable(req) ? toTable(def, [obj], {}, includeObjectParam(q), deps.now().getTime()) : obj };
    }
    if (method === 'PUT') {
      const fieldManager = fieldManagerOf(req, q, 'UpdateOptions');
      const body = await readJson(req);
      const rv = body.metadata?.resourceVersion;
      return { status: 200, body: await deps.resources.mutate(def, ns, name, () => body, { ...opts, fieldManager }, rv || undefined) };
    }
    if (method === 'PATCH') {
      if (APPLY_PATCH_TYPES.includes(mediaType(req))) return handleApply(deps, def, ns, name, req, q, 'status', request);
      const fieldManager = fieldManagerOf(req, q, 'PatchOptions');
      const p = await readPatch(req, def);
      // mutate's private copy, patched in place.
      const change = (cur: KubeObject) => deps.applyPatch(p.type, cur, p.body, deps.schemaOf(def.model), true);
      return { status: 200, body: await deps.resources.mutate(def, ns, name, change, { ...opts, fieldManager }) };
    }
    throw errors.methodNotAllowed();
  },
};

type JsonObject = Record<string, unknown>;

function getPath(obj: unknown, path: string): unknown {
  return path
    .replace(/^\./, '')
    .split('.')
    .reduce<unknown>((o, k) => (o == null ? undefined : (o as JsonObject)[k]), obj);
}

export function setPath(obj: JsonObject, path: string, value: unknown): void {
  const keys = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as JsonObject;
  cur[keys[keys.length - 1]] = value;
}

/** ReplicationControllers select with a plain label map; the others with a LabelSelector. */
function asLabelSelector(sel: unknown): LabelSelector | null | undefined {
  if (!sel || typeof sel !== 'object') return undefined;
  const s = sel as LabelSelector;
  return s.matchLabels || s.matchExpressions ? s : { matchLabels: sel as Record<string, string> };
}

/** Built-ins keep a LabelSelector object; custom resources keep the selector string itself. */
function scaleSelector(def: KindDef, obj: KubeObject): string | undefined {
  const path = def.subresources.scale!.labelSelectorPath;
  if (!path) return undefined;
  const sel = getPath(obj, path);
  if (def.customResource) return typeof sel === 'string' ? sel : undefined;
  return selectorToString(asLabelSelector(sel));
}

/** The autoscaling/v1 Scale of an object whose kind declares a scale subresource. */
export function toScale(def: KindDef, obj: KubeObject) {
  const s = def.subresources.scale!;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: (getPath(obj, s.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (getPath(obj, s.statusReplicasPath) as number | undefined) ?? 0,
      selector: scaleSelector(def, obj),
    },
  };
}

/** <resource>/scale: an autoscaling/v1 Scale over the paths the kind declares. */
export const scaleSubresource: SubresourceHandler = {
  async serve({ deps, def, ns, name, req, q, method, request }) {
    if (method === 'GET') return { status: 200, body: toScale(def, await deps.resources.get(def, ns, name)) };
    let scaleChange: (cur: KubeObject) => KubeObject | undefined;
    if (method === 'PUT') {
      const body = await readJson(req);
      scaleChange = () => body;
    } else if (method === 'PATCH') {
      const p = await readPatch(req);
      scaleChange = (cur) => deps.applyPatch(p.type, cur, p.body, undefined);
    } else {
      throw errors.methodNotAllowed();
    }
    const setReplicas = (obj: KubeObject, scale: KubeObject | undefined) => {
      const replicas = (scale as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw errors.invalid('Scale', 'autoscaling', name, [
          {
            field: 'spec.replicas',
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          },
        ]);
      }
      setPath(obj, def.subresources.scale!.specReplicasPath, replicas);
    };
    // Admission sees the Scale (kind autoscaling/v1 Scale, resource the parent's, subresource
    // "scale", the user's request), as upstream's scale storage does; a mutating webhook's
    // change of spec.replicas is kept.
    const admitAs = { subresource: 'scale', view: (o: KubeObject) => toScale(def, o), apply: setReplicas };
    const updated = await deps.resources.mutate(
      def,
      ns,
      name,
      (cur) => {
        const current = toScale(def, cur);
        const next = scaleChange(structuredClone(current));
        const rv = next?.metadata?.resourceVersion;
        if (rv && rv !== current.metadata.resourceVersion) throw errors.conflict(def.group, def.plural, name);
        setReplicas(cur, next);
        return cur;
      },
      { dryRun: isDryRun(q), request, admitAs },
    );
    return { status: 200, body: toScale(def, updated) };
  },
};
