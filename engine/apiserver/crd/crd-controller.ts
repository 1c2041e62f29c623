// Serves what CustomResourceDefinitions define, inside the API server (upstream runs these as
// apiextensions-apiserver's naming, establishing and finalizing controllers): on every CRD change
// it installs the kinds of the CRDs whose names are accepted into the kind registry — from then
// on routing, storage, watch, tables and discovery serve them — and only then writes the
// NamesAccepted and Established conditions. A deleted CRD's objects are deleted before its
// customresourcecleanup finalizer is removed.
import type { KindDef, KubeObject } from '../../kinds/types';
import type { MutableKindRegistry } from '../../kinds/defs/registry';
import { kindsFromCrd } from '../../kinds/custom/crd-kinds';
import { CRD_CLEANUP_FINALIZER } from '../../kinds/custom/crd-kind';
import type { Store } from '../../store/types';
import { followPrefix, type PrefixFollower } from '../../store/follow-prefix';
import { createCoalescingRunner } from '../../apimachinery/coalescing-runner';
import type { Resources } from '../resource-store';
import { ApiError } from '../status';
import { rfc3339, deepEqual } from '../object-meta';
import { judgeNames, type NamesVerdict } from './crd-names';
import type { Condition } from '../../apimachinery/workload-types';

export interface CrdControllerDeps {
  store: Store;
  resources: Resources;
  kinds: MutableKindRegistry;
  builtinKinds: KindDef[];
  crdDef: KindDef;
  /** Called when the served custom kinds change (OpenAPI republishes them). */
  onServedChange?: (defs: KindDef[]) => void;
  log?: (line: string) => void;
  now?: () => Date;
}

const CRD_PREFIX = '/registry/apiextensions.k8s.io/customresourcedefinitions/';
const RETRY_MS = 500;

export function createCrdController(deps: CrdControllerDeps) {
  const { resources, kinds, crdDef } = deps;
  const log = deps.log ?? (() => {});
  const now = deps.now ?? (() => new Date());
  // Compiled kinds per CRD, rebuilt when its uid or generation (spec) changes.
  const compiled = new Map<string, { key: string; defs: KindDef[] }>();
  let watcher: PrefixFollower | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let lastServed: KindDef[] = [];

  function kindsOf(crd: KubeObject): KindDef[] {
    const key = `${crd.metadata.uid}/${crd.metadata.generation}/${Boolean(crd.metadata.deletionTimestamp)}`;
    const hit = compiled.get(crd.metadata.name!);
    if (hit?.key === key) return hit.defs;
    let defs: KindDef[] = [];
    try {
      defs = kindsFromCrd(crd);
    } catch (e) {
      log(`crd: cannot serve ${crd.metadata.name}: ${(e as Error).message}`);
    }
    compiled.set(crd.metadata.name!, { key, defs });
    return defs;
  }

  async function sync(): Promise<void> {
    const { items: crds } = await resources.list(crdDef, undefined);
    const verdicts = judgeNames(crds, deps.builtinKinds);
    const served: KindDef[] = [];
    for (const crd of crds) if (verdicts.get(crd.metadata.name!)?.accepted) served.push(...kindsOf(crd));
    for (const name of compiled.keys()) if (!crds.some((c) => c.metadata.name === name)) compiled.delete(name);
    kinds.setCustomKinds(served);
    if (served.length !== lastServed.length || served.some((d, i) => d !== lastServed[i])) {
      lastServed = served;
      deps.onServedChange?.(served);
    }
    let pending = false;
    for (const crd of crds) {
      try {
        if (crd.metadata.deletionTimestamp) pending = !(await cleanUp(crd)) || pending;
        else await writeStatus(crd, verdicts.get(crd.metadata.name!)!);
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) log(`crd: ${crd.metadata.name}: ${(e as Error).message}`);
        pending = true;
      }
    }
    if (pending) later();
  }

  async function writeStatus(crd: KubeObject, names: NamesVerdict): Promise<void> {
    // Most syncs change nothing: checking the listed copy first spares reading and parsing
    // every CRD (each can hold megabytes of schema) again on each CRD event. A write starts from
    // the listed copy too, its resourceVersion the precondition (a conflict means a newer CRD,
    // whose event syncs again).
    const status = nextStatus(crd, names);
    if (!status) return;
    await resources.update(
      crdDef,
      undefined,
      crd.metadata.name!,
      { ...crd, metadata: { ...crd.metadata }, status },
      { subresource: 'status' },
    );
  }

  /** The status the CRD should have, or undefined when it has it already. */
  function nextStatus(cur: KubeObject, names: NamesVerdict): Record<string, unknown> | undefined {
    const status = cur.status ?? {};
    const conditions: Condition[] = [...(status.conditions ?? [])];
    setCondition(conditions, 'NamesAccepted', names.accepted, names.reason, names.message);
    if (names.accepted) setCondition(conditions, 'Established', true, 'InitialNamesAccepted', 'the initial names have been accepted');
    else if (!conditions.some((c) => c.type === 'Established' && c.status === 'True'))
      setCondition(conditions, 'Established', false, 'NotAccepted', 'not all names are accepted');
    const acceptedNames = names.accepted ? acceptedNamesOf(cur) : (status.acceptedNames ?? { kind: '', plural: '' });
    // A new storage version joins storedVersions (objects may now be stored in it).
    const versions: { name?: string; storage?: boolean }[] = cur.spec?.versions ?? [];
    const storage = versions.find((v) => v.storage)?.name;
    const stored: string[] = status.storedVersions ?? [];
    const storedVersions = storage && !stored.includes(storage) ? [...stored, storage] : stored;
    const next: Record<string, unknown> = { ...status, acceptedNames, conditions, storedVersions };
    return deepEqual(next, status) ? undefined : next;
  }

  function setCondition(conditions: Condition[], type: string, ok: boolean, reason: string, message: string): void {
    const status = ok ? 'True' : 'False';
    const i = conditions.findIndex((c) => c.type === type);
    const old = i >= 0 ? conditions[i] : undefined;
    const lastTransitionTime = old?.status === status ? old.lastTransitionTime : rfc3339(now());
    const cond: Condition = { type, status, lastTransitionTime, reason, message };
    if (i >= 0) conditions[i] = cond;
    else conditions.push(cond);
  }

  /** Deletes the CRD's objects; once none is left, drops the finalizer (the CRD then goes). */
  async function cleanUp(crd: KubeObject): Promise<boolean> {
    if (!(crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) return true;
    const versions = (crd.spec?.versions ?? []).map((v: Record<string, unknown>) => ({ ...v, served: true }));
    const def = kindsFromCrd({ ...crd, spec: { ...crd.spec, versions } })[0];
    if (def) {
      const { items } = await resources.list(def, undefined);
      for (const item of items) {
        try {
          await resources.remove(def, item.metadata.namespace, item.metadata.name!);
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
      if ((await resources.list(def, undefined, { limit: 1 })).items.length) return false;
    }
    await resources.mutate(crdDef, undefined, crd.metadata.name!, (cur) => ({
      ...cur,
      metadata: { ...cur.metadata, finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER) },
    }));
    return true;
  }

  function later() {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void kick();
    }, RETRY_MS);
  }

  // Runs sync now, or once more after the running one.
  const runner = createCoalescingRunner(sync, (e) => {
    log(`crd: sync failed: ${(e as Error).message}`);
    later();
  });
  const kick = runner.kick;

  return {
    /** Serves the stored CRDs, then follows changes. */
    async start(): Promise<void> {
      const rev = await deps.store.currentRevision();
      await kick();
      watcher = followPrefix(deps.store, CRD_PREFIX, rev, () => void kick());
    },
    /** Waits for the sync in progress (tests). */
    settled: runner.settled,
    stop(): void {
      stopped = true;
      runner.close();
      watcher?.close();
      if (retry) clearTimeout(retry);
    },
  };
}

function acceptedNamesOf(crd: KubeObject): Record<string, unknown> {
  const n = crd.spec?.names ?? {};
  return {
    plural: n.plural,
    singular: n.singular,
    ...(n.shortNames?.length ? { shortNames: n.shortNames } : {}),
    kind: n.kind,
    listKind: n.listKind,
    ...(n.categories?.length ? { categories: n.categories } : {}),
  };
}
