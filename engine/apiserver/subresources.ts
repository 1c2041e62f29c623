// Subresources (status, scale, binding, eviction, finalize) and the create-only review kinds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDef, KubeObject } from '../kinds/types';
import type { HandlerDeps } from './handler-deps';
import type { Reply } from './handlers';
import { readPatch, parseDeleteOptions } from './handlers';
import { errors } from './status';
import { readBody, decodeBody, mediaType } from './body';
import { isDryRun, wantsTable, includeObjectParam } from './request-options';
import { toTable } from './table';
import { rfc3339 } from './object-meta';
import { selectorToString, labelSelectorFromObject } from '../apimachinery/selectors';
import { servePodLogs } from './pod-logs';

const success = (code: number) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

export async function handleSubresource(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  sub: string,
  req: IncomingMessage,
  q: URLSearchParams,
  user: { user: string; groups: string[] },
  res?: ServerResponse,
): Promise<Reply | undefined> {
  const method = req.method ?? 'GET';
  if (def.virtual) return review(deps, def, ns, req, user);
  if (sub === 'status' && def.subresources.status) return status(deps, def, ns, name, req, q);
  if (sub === 'scale' && def.subresources.scale) return scale(deps, def, ns, name, req, q);
  if (sub === 'finalize' && def.kind === 'Namespace' && method === 'PUT') return finalize(deps, def, name, req, q);
  if (sub === 'token' && def.kind === 'ServiceAccount' && !def.group && method === 'POST') return tokenRequest(deps, def, ns, name, req);
  if (def.kind === 'Pod' && !def.group) {
    if (sub === 'binding' && method === 'POST') return binding(deps, def, ns, name, req, q);
    if (sub === 'ephemeralcontainers') return ephemeralContainers(deps, def, ns, name, req, q);
    if (sub === 'eviction' && method === 'POST') return eviction(deps, def, ns, name, req, q);
    if (sub === 'log' && res && deps.nodeStreams) {
      if (method !== 'GET') throw errors.methodNotAllowed();
      const pod = await deps.resources.get(def, ns, name);
      await servePodLogs(deps.nodeStreams, pod, q, res, deps.now(), req);
      return undefined; // streamed
    }
    if (['log', 'exec', 'attach', 'portforward'].includes(sub)) {
      const pod = await deps.resources.get(def, ns, name);
      if (!pod.spec?.nodeName) {
        throw errors.badRequest(`pod ${name} does not have a host assigned`);
      }
      throw errors.serviceUnavailable(`no kubelet serves node "${pod.spec.nodeName}" yet`);
    }
  }
  throw errors.notFoundPath();
}

async function readJson(req: IncomingMessage): Promise<any> {
  const type = mediaType(req);
  if (type !== 'application/json' && type !== 'application/yaml') throw errors.unsupportedMediaType(type);
  const body = decodeBody(await readBody(req), type);
  if (!body || typeof body !== 'object') throw errors.badRequest('the request body must be an object');
  return body;
}

async function status(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
): Promise<Reply> {
  const method = req.method;
  const opts = { dryRun: isDryRun(q), subresource: 'status' as const };
  if (method === 'GET') {
    const obj = await deps.resources.get(def, ns, name);
    return { status: 200, body: wantsTable(req) ? toTable(def, [obj], {}, includeObjectParam(q), deps.now().getTime()) : obj };
  }
  if (method === 'PUT') {
    const body = await readJson(req);
    const rv = body.metadata?.resourceVersion;
    return { status: 200, body: await deps.resources.mutate(def, ns, name, () => body, opts, rv || undefined) };
  }
  if (method === 'PATCH') {
    const p = await readPatch(req, def);
    return {
      status: 200,
      body: await deps.resources.mutate(def, ns, name, (cur) => deps.applyPatch(p.type, cur, p.body, deps.schemaOf(def.model)), opts),
    };
  }
  throw errors.methodNotAllowed();
}

/** pods/ephemeralcontainers: reads the pod; writes may only add to spec.ephemeralContainers. */
async function ephemeralContainers(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
): Promise<Reply> {
  const method = req.method;
  if (method === 'GET') return { status: 200, body: await deps.resources.get(def, ns, name) };
  const opts = { dryRun: isDryRun(q), subresource: 'ephemeralcontainers' as const };
  let change: (cur: KubeObject) => KubeObject;
  let rv: string | undefined;
  if (method === 'PUT') {
    const body = await readJson(req);
    rv = body.metadata?.resourceVersion || undefined;
    change = () => body;
  } else if (method === 'PATCH') {
    const p = await readPatch(req, def);
    change = (cur) => deps.applyPatch(p.type, cur, p.body, deps.schemaOf(def.model));
  } else {
    throw errors.methodNotAllowed();
  }
  const body = await deps.resources.mutate(
    def,
    ns,
    name,
    (cur) => {
      const next = change(cur);
      const was: any[] = cur.spec?.ephemeralContainers ?? [];
      const now: any[] = next.spec?.ephemeralContainers ?? [];
      // Ephemeral containers cannot be removed once added, as upstream enforces.
      if (was.some((w) => !now.some((n) => n.name === w.name))) {
        throw errors.invalid(def.kind, def.group, name, [
          {
            reason: 'FieldValueForbidden',
            field: 'spec.ephemeralContainers',
            message: 'Forbidden: existing ephemeral containers may not be removed',
          },
        ]);
      }
      return next;
    },
    opts,
    rv,
  );
  return { status: 200, body };
}

function getPath(obj: any, path: string): any {
  return path
    .replace(/^\./, '')
    .split('.')
    .reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setPath(obj: any, path: string, value: unknown): void {
  const keys = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = cur[k] ??= {};
  cur[keys[keys.length - 1]] = value;
}

/** ReplicationControllers select with a plain label map; the others with a LabelSelector. */
function asLabelSelector(sel: any) {
  if (!sel || sel.matchLabels || sel.matchExpressions) return sel;
  return { matchLabels: sel };
}

/** Built-ins keep a LabelSelector object; custom resources keep the selector string itself. */
function scaleSelector(def: KindDef, obj: KubeObject): string | undefined {
  const path = def.subresources.scale!.labelSelectorPath;
  if (!path) return undefined;
  const sel = getPath(obj, path);
  if (def.customResource) return typeof sel === 'string' ? sel : undefined;
  return selectorToString(asLabelSelector(sel));
}

function toScale(def: KindDef, obj: KubeObject) {
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
    spec: { replicas: getPath(obj, s.specReplicasPath) ?? 0 },
    status: {
      replicas: getPath(obj, s.statusReplicasPath) ?? 0,
      selector: scaleSelector(def, obj),
    },
  };
}

async function scale(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
): Promise<Reply> {
  const method = req.method;
  if (method === 'GET') return { status: 200, body: toScale(def, await deps.resources.get(def, ns, name)) };
  let scaleChange: (cur: any) => any;
  if (method === 'PUT') {
    const body = await readJson(req);
    scaleChange = () => body;
  } else if (method === 'PATCH') {
    const p = await readPatch(req);
    scaleChange = (cur) => deps.applyPatch(p.type, cur, p.body, undefined);
  } else {
    throw errors.methodNotAllowed();
  }
  const updated = await deps.resources.mutate(
    def,
    ns,
    name,
    (cur) => {
      const current = toScale(def, cur);
      const next = scaleChange(structuredClone(current));
      const rv = next?.metadata?.resourceVersion;
      if (rv && rv !== current.metadata.resourceVersion) throw errors.conflict(def.group, def.plural, name);
      const replicas = next?.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw errors.invalid('Scale', 'autoscaling', name, [
          {
            field: 'spec.replicas',
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          },
        ]);
      }
      setPath(cur, def.subresources.scale!.specReplicasPath, replicas);
      return cur;
    },
    { dryRun: isDryRun(q) },
  );
  return { status: 200, body: toScale(def, updated) };
}

async function binding(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
): Promise<Reply> {
  await bindPod(deps, def, ns, name, await readJson(req), isDryRun(q));
  return { status: 201, body: success(201) };
}

/** pods/binding: sets spec.nodeName once (409 when already bound) and PodScheduled=True. */
export async function bindPod(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  body: any,
  dryRun = false,
): Promise<void> {
  const target = body?.target?.name;
  if (!target)
    throw errors.invalid('Binding', '', name, [{ field: 'target.name', reason: 'FieldValueRequired', message: 'Required value' }]);
  await deps.resources.mutate(
    def,
    ns,
    name,
    (pod) => {
      if (pod.metadata.deletionTimestamp) throw errors.conflict('', 'pods', name, 'pod is being deleted, cannot be assigned to a host');
      if (pod.spec?.nodeName) throw errors.conflict('', 'pods', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec.nodeName = target;
      const conditions = (pod.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(deps.now()) });
      pod.status = { ...(pod.status ?? {}), conditions };
      return pod;
    },
    { dryRun, subresource: 'binding' },
  );
}

async function eviction(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  req: IncomingMessage,
  q: URLSearchParams,
): Promise<Reply> {
  await evictPod(deps, def, ns, name, await readJson(req), q);
  return { status: 201, body: success(201) };
}

/** pods/eviction: deletes the pod unless a PodDisruptionBudget forbids it (429). */
export async function evictPod(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  body: any,
  q = new URLSearchParams(),
): Promise<void> {
  const pod = await deps.resources.get(def, ns, name);
  const pdbDef = deps.kinds.byResource('policy', 'v1', 'poddisruptionbudgets');
  if (pdbDef && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
    const { items } = await deps.resources.list(pdbDef, ns);
    for (const pdb of items) {
      if (!labelSelectorFromObject(pdb.spec?.selector ?? null).matches(pod.metadata.labels)) continue;
      if ((pdb.status?.disruptionsAllowed ?? 0) < 1) {
        throw errors.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.");
      }
    }
  }
  await deps.resources.remove(def, ns, name, parseDeleteOptions(body?.deleteOptions ?? {}, q));
}

async function finalize(deps: HandlerDeps, def: KindDef, name: string, req: IncomingMessage, q: URLSearchParams): Promise<Reply> {
  const body = await readJson(req);
  const updated = await deps.resources.mutate(
    def,
    undefined,
    name,
    (cur) => {
      cur.spec = { ...(cur.spec ?? {}), finalizers: body.spec?.finalizers ?? [] };
      return cur;
    },
    { dryRun: isDryRun(q), subresource: 'finalize' },
  );
  return { status: 200, body: updated };
}

/** serviceaccounts/token: a TokenRequest answered with a signed, expiring token (kubectl create token). */
async function tokenRequest(deps: HandlerDeps, def: KindDef, ns: string | undefined, name: string, req: IncomingMessage): Promise<Reply> {
  const body = await readJson(req);
  const sa = await deps.resources.get(def, ns, name);
  const requested = body.spec?.expirationSeconds;
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 600)) {
    throw errors.invalid('TokenRequest', 'authentication.k8s.io', name, [
      {
        field: 'spec.expirationSeconds',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${requested}: may not specify a duration less than 10 minutes`,
      },
    ]);
  }
  const seconds = Math.min(requested ?? 3600, 48 * 3600);
  const bound = body.spec?.boundObjectRef;
  const pod = bound?.kind === 'Pod' && bound.name && bound.uid ? { name: bound.name, uid: bound.uid } : undefined;
  if (!deps.serviceAccountTokens) throw errors.serviceUnavailable('service-account tokens are not configured');
  const now = deps.now();
  const token = deps.serviceAccountTokens.issue(ns!, name, sa.metadata.uid!, {
    expirationSeconds: seconds,
    audiences: body.spec?.audiences?.length ? body.spec.audiences : undefined,
    pod,
    now,
  });
  return {
    status: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace: ns, creationTimestamp: null },
      spec: {
        audiences: body.spec?.audiences ?? ['https://kubernetes.default.svc.cluster.local'],
        expirationSeconds: seconds,
        boundObjectRef: bound ?? null,
      },
      status: { token, expirationTimestamp: rfc3339(new Date(now.getTime() + seconds * 1000)) },
    },
  };
}

async function review(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  req: IncomingMessage,
  user: { user: string; groups: string[] },
): Promise<Reply> {
  const body = await readJson(req);
  if (def.group === 'authorization.k8s.io' && deps.reviews) {
    const asked = body as KubeObject;
    const errs = def.validate?.(asked) ?? [];
    if (errs.length) throw errors.invalid(def.kind, def.group, asked.metadata?.name ?? '', errs);
    const answer = await deps.reviews(def.kind, asked, user, ns);
    if (answer) return { status: 201, body: answer };
  }
  if (def.kind === 'SelfSubjectReview') {
    return {
      status: 201,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
        metadata: { creationTimestamp: null },
        status: {
          userInfo: { username: user.user, groups: [...user.groups.filter((g) => g !== 'system:authenticated'), 'system:authenticated'] },
        },
      },
    };
  }
  throw errors.methodNotAllowed();
}
