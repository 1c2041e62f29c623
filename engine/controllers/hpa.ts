// HorizontalPodAutoscaler controller (autoscaling/v2; v1 objects share storage). Every sync
// period it reads the target's replicas and selector, the pods' usage from the metrics source
// (what metrics.k8s.io serves), computes the desired count per metric (hpa-replicas.ts), applies
// spec.behavior (hpa-behavior.ts) and min/max, writes the new count to the target and the
// status (currentMetrics, conditions AbleToScale/ScalingActive/ScalingLimited) to the HPA.
//
// Scaling writes a built-in target's spec.replicas with a get + update (retried on 409), the
// same effect as its /scale for Deployments, ReplicaSets, StatefulSets and ReplicationControllers;
// any other kind (a custom resource) is read and scaled through its /scale subresource, its pods
// chosen by the Scale's status.selector, as upstream.
import type { KubeObject } from '../kinds/types';
import type { ResourceRef } from '../client/types';
import { R, isStatus } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import { keyOf, splitKey } from '../client/informer';
import { labelSelectorFromObject, labelSelectorFromSet, parseLabelSelector } from '../apimachinery/selectors';
import type { Controller, ControllerDeps, MetricsSource } from './types';
import { behaviorOf, emptyHistory, normalizeReplicas, recordScale, type BehaviorSpec, type ScaleHistory } from './hpa-behavior';
import { MetricError, resourceReplicas, type PodUsage, type ResourceResult } from './hpa-replicas';
import type { MetricSpec, MetricStatus } from '../apimachinery/autoscaling-types';
import type { Condition } from '../apimachinery/workload-types';

/** The HPA spec fields the controller reads. */
interface HpaSpec {
  scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas: number;
  metrics?: MetricSpec[];
  behavior?: BehaviorSpec;
}

interface HpaStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: MetricStatus[] | null;
  conditions?: Condition[];
}

export interface HpaControllerOptions {
  /** How often each HPA is evaluated (default 15 s, or SKIFF_HPA_SYNC_SECONDS). */
  syncPeriodMs?: number;
  /** Pod usage; defaults to deps.metrics when the manager provides one. */
  metrics?: MetricsSource;
}

const targets: Record<string, ResourceRef> = {
  'apps/Deployment': R.deployments,
  'apps/ReplicaSet': R.replicasets,
  'apps/StatefulSet': R.statefulsets,
  '/ReplicationController': R.replicationcontrollers,
};

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createHpaController(deps: ControllerDeps, opts: HpaControllerOptions = {}): Controller {
  const { client, informers, events, log } = deps;
  const envSeconds = Number(process.env.SKIFF_HPA_SYNC_SECONDS);
  const period = opts.syncPeriodMs ?? (envSeconds > 0 ? envSeconds * 1000 : 15_000);
  const metrics = opts.metrics ?? deps.metrics;
  const hpas = informers.informer(R.hpas);
  const pods = informers.informer(R.pods);
  const history = new Map<string, ScaleHistory>();
  const queue = createWorkQueue({
    sync: (key) =>
      sync(key).finally(() => {
        if (hpas.get(splitKey(key).ns, splitKey(key).name)) queue.addAfter(key, period);
      }),
    concurrency: 2,
    onError: (key, err) => log(`hpa ${key}: ${(err as Error).message}`),
  });

  /** Usage per pod in `namespace` for one resource (cores or bytes), optionally of one container. */
  function podUsage(namespace: string, resource: string, container?: string): PodUsage {
    const out: PodUsage = new Map();
    for (const p of metrics?.()?.pods ?? []) {
      if (p.namespace !== namespace) continue;
      const cs = container === undefined ? p.containers : p.containers.filter((c) => c.name === container);
      if (cs.length === 0) continue;
      out.set(
        p.name,
        cs.reduce((s, c) => s + (resource === 'cpu' ? c.cpuNanoCores / 1e9 : c.memoryBytes), 0),
      );
    }
    return out;
  }

  function selectedPods(target: KubeObject, namespace: string): KubeObject[] {
    let sel;
    if (target.kind === 'Scale') {
      // A custom resource's /scale gives its selector as a string (status.selector).
      try {
        const selector = (target.status as { selector?: unknown } | undefined)?.selector;
        sel = parseLabelSelector(typeof selector === 'string' ? selector : '');
      } catch {
        return [];
      }
    } else
      sel =
        target.kind === 'ReplicationController'
          ? labelSelectorFromSet(target.spec?.selector ?? target.spec?.template?.metadata?.labels)
          : labelSelectorFromObject(target.spec?.selector);
    if (sel.empty) return [];
    return pods.list().filter((p) => p.metadata.namespace === namespace && sel.matches(p.metadata.labels));
  }

  function computeMetric(m: MetricSpec, current: number, podList: KubeObject[], ns: string): ResourceResult {
    const src = m.type === 'Resource' ? m.resource : m.type === 'ContainerResource' ? m.containerResource : undefined;
    if (!src || !['cpu', 'memory'].includes(src.name)) {
      // Pods, Object and External metrics need a custom metrics API, which Skiff does not serve.
      throw new MetricError(
        m.type === 'Resource' || m.type === 'ContainerResource' ? 'FailedGetResourceMetric' : 'FailedGetExternalMetric',
        `unable to get metric ${src?.name ?? m.type}: no metrics API serves ${m.type} metrics`,
      );
    }
    const usage = podUsage(ns, src.name, m.type === 'ContainerResource' ? src.container : undefined);
    if (!podList.some((p) => usage.has(p.metadata.name!))) {
      const reason = m.type === 'ContainerResource' ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
      throw new MetricError(
        reason,
        `failed to get ${src.name} utilization: unable to get metrics for resource ${src.name}: no metrics returned from resource metrics API`,
      );
    }
    return resourceReplicas(m, current, podList, usage);
  }

  async function scaleTarget(ref: ResourceRef, ns: string, name: string, replicas: number) {
    for (let attempt = 0; ; attempt++) {
      const cur = await client.get(ref, ns, name);
      cur.spec = { ...(cur.spec ?? {}), replicas };
      try {
        return await client.update(ref, ns, cur);
      } catch (e) {
        if (!isStatus(e, 409) || attempt >= 5) throw e;
      }
    }
  }

  async function sync(key: string) {
    const cached = hpas.get(splitKey(key).ns, splitKey(key).name);
    if (!cached) {
      history.delete(key);
      return;
    }
    const hpa = structuredClone(cached);
    const ns = hpa.metadata.namespace!;
    const spec: HpaSpec = hpa.spec ?? {};
    const now = deps.now();
    const old: HpaStatus = hpa.status ?? {};
    const conditions: Condition[] = [];
    const cond = (type: string, status: Condition['status'], reason: string, message: string) => {
      const prev = (old.conditions ?? []).find((c) => c.type === type);
      const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : rfc3339(now);
      conditions.push({ type, status, lastTransitionTime, reason, message });
    };
    const writeStatus = async (status: HpaStatus) => {
      await client.patch(R.hpas, ns, hpa.metadata.name!, 'merge', { status: { ...status, conditions } }, { subresource: 'status' });
    };

    const refSpec = spec.scaleTargetRef ?? {};
    const group = String(refSpec.apiVersion ?? '').includes('/') ? String(refSpec.apiVersion).split('/')[0] : '';
    let ref: ResourceRef | undefined = targets[`${group}/${refSpec.kind}`];
    const targetName = String(refSpec.name ?? '');
    // Every target is read and scaled through its /scale subresource, as upstream (the HPA's role
    // holds only */scale, not the workloads themselves); a client without it reads the object.
    const viaScale = !!client.getScale && !!client.updateScale;
    if (viaScale && !ref) {
      const apiVersion = String(refSpec.apiVersion ?? '');
      const [kind, version] = [String(refSpec.kind ?? ''), apiVersion.split('/')[1] ?? apiVersion];
      const r = deps.resources?.().find((x) => x.group === group && x.kind === kind && (!version || x.version === version));
      if (r) ref = { group: r.group, version: r.version, plural: r.plural };
    }
    let target: KubeObject | undefined;
    let scaleError = '';
    if (!ref) scaleError = `no matches for kind "${refSpec.kind}" in group "${group}"`;
    else {
      try {
        target = viaScale ? await client.getScale!(ref, ns, targetName) : await client.get(ref, ns, targetName);
      } catch (e) {
        scaleError = (e as Error).message;
      }
    }
    if (!target || !ref) {
      const message = `the HPA controller was unable to get the target's current scale: ${scaleError}`;
      events.event(hpa, 'Warning', 'FailedGetScale', scaleError);
      cond('AbleToScale', 'False', 'FailedGetScale', message);
      await writeStatus({ ...old, currentReplicas: old.currentReplicas ?? 0, desiredReplicas: old.desiredReplicas ?? 0 });
      return;
    }

    const current: number = target.spec?.replicas ?? 1;
    const min: number = spec.minReplicas ?? 1;
    const max: number = spec.maxReplicas;
    let desired = current;
    let reason = '';
    let currentMetrics: MetricStatus[] | null = old.currentMetrics ?? null;
    const behavior = behaviorOf(spec);
    const h = history.get(key) ?? emptyHistory();
    history.set(key, h);

    if (current === 0 && min !== 0) {
      desired = 0;
      cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
      cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      await writeStatus({ ...old, observedGeneration: hpa.metadata.generation, currentReplicas: 0, desiredReplicas: 0, currentMetrics });
      return;
    }
    if (current > max) {
      desired = max;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < min) {
      desired = min;
      reason = 'Current number of replicas below Spec.MinReplicas';
    }
    if (!reason) {
      const podList = selectedPods(target, ns);
      const results: ResourceResult[] = [];
      const failures: MetricError[] = [];
      const statuses: MetricStatus[] = [];
      for (const m of spec.metrics ?? []) {
        try {
          const r = computeMetric(m, current, podList, ns);
          results.push(r);
          statuses.push(r.status);
        } catch (e) {
          if (!(e instanceof MetricError)) throw e;
          failures.push(e);
          statuses.push({ type: '' });
        }
      }
      currentMetrics = statuses.length ? statuses : null;
      for (const f of failures) events.event(hpa, 'Warning', f.reason, f.message);
      if (results.length === 0) {
        const f =
          failures[0] ??
          new MetricError('InvalidMetricSourceType', 'the HPA was unable to compute the replica count: no metrics configured');
        cond('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
        cond('ScalingActive', 'False', f.reason, `the HPA was unable to compute the replica count: ${f.message}`);
        await writeStatus({
          ...old,
          observedGeneration: hpa.metadata.generation,
          currentReplicas: current,
          desiredReplicas: old.desiredReplicas ?? current,
          currentMetrics,
        });
        return;
      }
      const best = results.reduce((a, b) => (b.replicas > a.replicas ? b : a));
      let proposed = best.replicas;
      // A failed metric might have asked for more: never scale down on partial information.
      if (failures.length && proposed < current) proposed = current;
      reason = proposed > current ? `${best.description} above target` : 'All metrics below target';
      const normalized = normalizeReplicas(h, behavior, current, proposed, min, max, now.getTime());
      desired = normalized.replicas;
      cond(
        'ScalingActive',
        'True',
        'ValidMetricFound',
        `the HPA was able to successfully calculate a replica count from ${best.description}`,
      );
      cond('ScalingLimited', normalized.limited.status, normalized.limited.reason, normalized.limited.message);
    } else {
      cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count');
      cond(
        'ScalingLimited',
        'True',
        desired === max ? 'TooManyReplicas' : 'TooFewReplicas',
        desired === max
          ? 'the desired replica count is more than the maximum replica count'
          : 'the desired replica count is less than the minimum replica count',
      );
    }

    let lastScaleTime = old.lastScaleTime;
    if (desired !== current) {
      try {
        if (viaScale) await client.updateScale!(ref, ns, targetName, desired);
        else await scaleTarget(ref, ns, targetName, desired);
        recordScale(h, behavior, current, desired, now.getTime());
        lastScaleTime = rfc3339(now);
        events.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
        conditions.unshift({
          type: 'AbleToScale',
          status: 'True',
          lastTransitionTime: rfc3339(now),
          reason: 'SucceededRescale',
          message: `the HPA controller was able to update the target scale to ${desired}`,
        });
      } catch (e) {
        const msg = (e as Error).message;
        events.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${msg}`);
        conditions.unshift({
          type: 'AbleToScale',
          status: 'False',
          lastTransitionTime: rfc3339(now),
          reason: 'FailedUpdateScale',
          message: `the HPA controller was unable to update the target scale: ${msg}`,
        });
        desired = current;
      }
    } else {
      const prev = (old.conditions ?? []).find((c) => c.type === 'AbleToScale');
      conditions.unshift({
        type: 'AbleToScale',
        status: 'True',
        lastTransitionTime: prev?.status === 'True' ? prev.lastTransitionTime : rfc3339(now),
        reason: 'ReadyForNewScale',
        message: 'recommended size matches current size',
      });
    }
    await writeStatus({
      observedGeneration: hpa.metadata.generation,
      ...(lastScaleTime ? { lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics,
    });
  }

  return {
    name: 'horizontalpodautoscaling',
    start() {
      hpas.addHandlers({
        add: (o) => queue.add(keyOf(o)),
        // Our own status writes come back as updates: only spec changes need a sync now.
        update: (a, b) => {
          if (a.metadata.generation !== b.metadata.generation) queue.add(keyOf(b));
        },
        delete: (o) => history.delete(keyOf(o)),
      });
    },
    stop() {
      queue.stop();
    },
  };
}
