// The pod's subresources: binding (the scheduler), eviction (drain, PDBs), ephemeralcontainers
// (kubectl debug), log, and exec/attach/portforward when no node streams them (upgrades are
// served by pod-upgrade.ts).
import type { KindDef, KubeObject } from '../../kinds/types';
import type { HandlerDeps, SubresourceCall, SubresourceHandler } from '../handler-deps';
import { errors } from '../status';
import { parseDeleteOptions, readJson, readPatch } from '../request-decoding';
import { isDryRun } from '../request-options';
import { rfc3339 } from '../object-meta';
import { labelSelectorFromObject } from '../../apimachinery/selectors';
import { servePodLogs } from '../streaming/pod-logs';
import type { Container } from '../../apimachinery/pod-types';
import type { Condition } from '../../apimachinery/workload-types';
import { isPlainObject } from '../../kinds/custom/structural-schema';
import { isDNS1123Subdomain } from '../../apimachinery/validation-strings';

const success = (code: number) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

export const podBinding: SubresourceHandler = {
  methods: ['POST'],
  async serve({ deps, def, ns, name, req, q }) {
    await bindPod(deps, def, ns, name, await readJson(req), isDryRun(q));
    return { status: 201, body: success(201) };
  },
  create: ({ deps, def, ns, name }, body) => bindPod(deps, def, ns, name, body),
};

export const podEviction: SubresourceHandler = {
  methods: ['POST'],
  async serve({ deps, def, ns, name, req, q, request }) {
    await evictPod(deps, def, ns, name, await readJson(req), q, request);
    return { status: 201, body: success(201) };
  },
  create: ({ deps, def, ns, name, request }, body) => evictPod(deps, def, ns, name, body, undefined, request),
};

/** exec, attach, portforward (and log without node streams) over plain HTTP: why no node answers. */
export const podStream: SubresourceHandler = {
  async serve({ deps, def, ns, name }) {
    const pod = await deps.resources.get(def, ns, name);
    if (!pod.spec?.nodeName) {
      throw errors.badRequest(`pod ${name} does not have a host assigned`);
    }
    throw errors.serviceUnavailable(`no kubelet serves node "${pod.spec.nodeName}" yet`);
  },
};

export const podLog: SubresourceHandler = {
  async serve(call) {
    const { deps, def, ns, name, req, res, q, method } = call;
    if (!res || !deps.nodeStreams) return podStream.serve(call);
    if (method !== 'GET') throw errors.methodNotAllowed();
    const pod = await deps.resources.get(def, ns, name);
    await servePodLogs(deps.nodeStreams, pod, q, res, deps.now(), req);
    return undefined; // streamed
  },
};

/** pods/ephemeralcontainers: reads the pod; writes may only add to spec.ephemeralContainers. */
export const podEphemeralContainers: SubresourceHandler = {
  async serve({ deps, def, ns, name, req, q, method }) {
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
        const was: Container[] = cur.spec?.ephemeralContainers ?? [];
        const now: Container[] = next.spec?.ephemeralContainers ?? [];
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
  },
};

/** pods/binding: sets spec.nodeName once (409 when already bound) and PodScheduled=True. */
export async function bindPod(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  body: unknown,
  dryRun = false,
): Promise<void> {
  const ref = isPlainObject(body) ? body.target : undefined;
  const target = isPlainObject(ref) ? ref.name : undefined;
  if (typeof target !== 'string' || !target)
    throw errors.invalid('Binding', '', name, [{ field: 'target.name', reason: 'FieldValueRequired', message: 'Required value' }]);
  // The bound pod is not validated again (below): its node name is checked here, as a pod's would be.
  const bad = isDNS1123Subdomain(target);
  if (bad.length)
    throw errors.invalid(
      'Binding',
      '',
      name,
      bad.map((message) => ({ field: 'target.name', reason: 'FieldValueInvalid', message })),
    );
  // The stored pod is read, not changed: the bound pod is built beside it.
  await deps.resources.derive(
    def,
    ns,
    name,
    (pod) => {
      if (pod.metadata.deletionTimestamp) throw errors.conflict('', 'pods', name, 'pod is being deleted, cannot be assigned to a host');
      if (pod.spec?.nodeName) throw errors.conflict('', 'pods', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      const conditions = ((pod.status?.conditions ?? []) as Condition[]).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(deps.now()) });
      return { ...pod, spec: { ...pod.spec, nodeName: target }, status: { ...(pod.status ?? {}), conditions } };
    },
    { dryRun, subresource: 'binding' },
  );
}

/** pods/eviction: deletes the pod unless a PodDisruptionBudget forbids it (429). */
export async function evictPod(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  body: unknown,
  q = new URLSearchParams(),
  request?: SubresourceCall['request'],
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
  await deps.resources.remove(def, ns, name, {
    ...parseDeleteOptions((isPlainObject(body) ? body.deleteOptions : undefined) ?? {}, q),
    request,
  });
}
