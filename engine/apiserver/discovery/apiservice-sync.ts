// Keeps one "Local" APIService per served group/version, as upstream's autoregister and CRD
// registration controllers do: built-in ones labelled automanaged=onstart, CRD ones =true, created
// when a group/version starts being served and deleted when it stops. APIServices without the
// label belong to whoever created them and are left alone.
import type { KindDef, KubeObject } from '../../kinds/types';
import type { GroupVersion } from '../../kinds/defs/registry';
import { AUTOMANAGED_LABEL, availableCondition, localAvailable } from '../../kinds/defs/kinds-apiregistration';
import type { Resources } from '../resource-store';
import type { Store } from '../../store/types';
import { followPrefix, type PrefixFollower } from '../../store/follow-prefix';
import { createCoalescingRunner } from '../../apimachinery/coalescing-runner';
import { resourcePrefix } from '../storage-keys';
import { ApiError } from '../status';
import { deepEqual } from '../object-meta';

export interface ApiServiceSyncDeps {
  store: Store;
  resources: Resources;
  def: KindDef;
  /** Every group/version served now (built-in, custom, and locally served extras). */
  served(): GroupVersion[];
  /** Groups compiled into Skiff (their APIServices are labelled onstart). */
  builtinGroups: Set<string>;
  log?: (line: string) => void;
}

// Upstream's priorities for built-in group/versions (kube-aggregator's apiVersionPriorities).
const PRIORITIES: Record<string, [number, number]> = {
  v1: [18000, 1],
  'apps/v1': [17800, 15],
  'events.k8s.io/v1': [17750, 15],
  'authentication.k8s.io/v1': [17700, 15],
  'authorization.k8s.io/v1': [17600, 15],
  'autoscaling/v1': [17500, 15],
  'autoscaling/v2': [17500, 30],
  'batch/v1': [17400, 15],
  'certificates.k8s.io/v1': [17300, 15],
  'networking.k8s.io/v1': [17200, 15],
  'policy/v1': [17100, 15],
  'rbac.authorization.k8s.io/v1': [17000, 15],
  'storage.k8s.io/v1': [16800, 15],
  'apiextensions.k8s.io/v1': [16700, 15],
  'admissionregistration.k8s.io/v1': [16700, 15],
  'scheduling.k8s.io/v1': [16600, 15],
  'coordination.k8s.io/v1': [16500, 15],
  'node.k8s.io/v1': [16300, 15],
  'discovery.k8s.io/v1': [16200, 15],
  'flowcontrol.apiserver.k8s.io/v1': [16100, 21],
  'apiregistration.k8s.io/v1': [18000, 15],
  // metrics-server's own manifest asks for these; Skiff serves the group itself.
  'metrics.k8s.io/v1beta1': [100, 100],
};

export function apiServiceName(gv: { group: string; version: string }): string {
  return `${gv.version}.${gv.group}`;
}

export function desiredSpec(gv: { group: string; version: string }, builtin: boolean) {
  const key = gv.group ? `${gv.group}/${gv.version}` : gv.version;
  // CRD groups: low group priority, versions ordered kube-like among equals (as upstream).
  const [groupPriorityMinimum, versionPriority] = PRIORITIES[key] ?? (builtin ? [1000, 15] : [1000, 100]);
  return { group: gv.group, version: gv.version, groupPriorityMinimum, versionPriority };
}

export function createApiServiceSync(deps: ApiServiceSyncDeps) {
  const { resources, def } = deps;
  const log = deps.log ?? (() => {});
  let watcher: PrefixFollower | undefined;
  let stopped = false;

  async function syncOnce(): Promise<void> {
    const { items } = await resources.list(def, undefined);
    const existing = new Map(items.map((o) => [o.metadata.name!, o]));
    const wanted = new Set<string>();
    for (const gv of deps.served()) {
      const name = apiServiceName(gv);
      wanted.add(name);
      const builtin = deps.builtinGroups.has(gv.group);
      const label = builtin ? 'onstart' : 'true';
      const spec = desiredSpec(gv, builtin);
      const cur = existing.get(name);
      if (!cur) {
        const obj: KubeObject = {
          apiVersion: 'apiregistration.k8s.io/v1',
          kind: 'APIService',
          metadata: { name, labels: { [AUTOMANAGED_LABEL]: label } },
          spec,
        };
        await ignoreRace(() => resources.create(def, undefined, obj));
        continue;
      }
      if (!cur.metadata.labels?.[AUTOMANAGED_LABEL]) continue;
      if (!deepEqual(cur.spec, spec) || cur.metadata.labels[AUTOMANAGED_LABEL] !== label) {
        await ignoreRace(() =>
          resources.mutate(def, undefined, name, (o) => ({
            ...o,
            metadata: { ...o.metadata, labels: { ...o.metadata.labels, [AUTOMANAGED_LABEL]: label } },
            spec,
          })),
        );
      }
      const available = availableCondition(cur);
      if (available?.status !== 'True' || available.reason !== 'Local') {
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        await ignoreRace(() =>
          resources.mutate(def, undefined, name, (o) => ({ ...o, status: { conditions: [localAvailable(now)] } }), {
            subresource: 'status',
          }),
        );
      }
    }
    for (const o of items) {
      if (o.metadata.labels?.[AUTOMANAGED_LABEL] && !wanted.has(o.metadata.name!)) {
        await ignoreRace(() => resources.remove(def, undefined, o.metadata.name!));
      }
    }
  }

  async function ignoreRace(write: () => Promise<unknown>) {
    try {
      await write();
    } catch (e) {
      // Another writer got there first (404/409): the next sync sees the new state.
      if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  // Runs a sync now, or once more after the running one (changes during a sync are not lost).
  const runner = createCoalescingRunner(syncOnce, (e) => log(`apiservices: ${(e as Error).message}`));
  const sync = runner.kick;

  return {
    sync,
    /** Syncs, then follows changes to APIServices. */
    async start(): Promise<void> {
      const rev = await deps.store.currentRevision();
      await sync();
      // A deleted or edited automanaged APIService comes back as upstream's autoregister restores it.
      // Our own writes wake this too; the sync they cause finds nothing to change.
      if (!stopped) watcher = followPrefix(deps.store, resourcePrefix(def), rev, () => void sync());
    },
    stop(): void {
      stopped = true;
      runner.close();
      watcher?.close();
    },
  };
}
