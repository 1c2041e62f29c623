// The ValidatingAdmissionPolicy status controller (upstream runs it in kube-controller-manager;
// here it runs beside the API server, like the CRD controller): when a policy's generation moves
// past status.observedGeneration, its expressions are type-checked against the kinds it matches
// (type-checking.ts) and status.typeChecking.expressionWarnings is written with the generation.
import type { KindDef } from '../../../kinds/types';
import type { Store } from '../../../store/types';
import { followPrefix, type PrefixFollower } from '../../../store/follow-prefix';
import { createCoalescingRunner } from '../../../apimachinery/coalescing-runner';
import type { Resources } from '../../resource-store';
import { ApiError } from '../../status';
import { resourcePrefix } from '../../storage-keys';
import { typeCheckPolicy, type TypeCheckDeps } from './type-checking';

export interface PolicyStatusDeps extends TypeCheckDeps {
  store: Store;
  resources: Resources;
  policyDef: KindDef;
  log?: (line: string) => void;
}

export function createPolicyStatusController(deps: PolicyStatusDeps) {
  const log = deps.log ?? (() => {});
  let watcher: PrefixFollower | undefined;

  async function sync(): Promise<void> {
    const { items } = await deps.resources.list(deps.policyDef, undefined);
    for (const policy of items) {
      const generation = policy.metadata.generation ?? 0;
      const observed = (policy.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0;
      if (generation <= observed) continue;
      const warnings = typeCheckPolicy(policy, deps);
      try {
        await deps.resources.mutate(
          deps.policyDef,
          undefined,
          policy.metadata.name ?? '',
          (cur) => {
            if ((cur.metadata.generation ?? 0) !== generation) return cur; // changed again: the next sync checks it
            const typeChecking = warnings.length ? { expressionWarnings: warnings } : {};
            return { ...cur, status: { ...((cur.status ?? {}) as Record<string, unknown>), observedGeneration: generation, typeChecking } };
          },
          { subresource: 'status' },
        );
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409)))
          log(`policy status: ${policy.metadata.name}: ${(e as Error).message}`);
      }
    }
  }

  // Runs sync now, or once more after the running one.
  const runner = createCoalescingRunner(sync, (e) => log(`policy status: sync failed: ${(e as Error).message}`));

  return {
    async start(): Promise<void> {
      const rev = await deps.store.currentRevision();
      await runner.kick();
      watcher = followPrefix(deps.store, resourcePrefix(deps.policyDef), rev, () => void runner.kick());
    },
    /** Waits for the sync in progress (tests). */
    settled: runner.settled,
    stop(): void {
      runner.close();
      watcher?.close();
    },
  };
}
