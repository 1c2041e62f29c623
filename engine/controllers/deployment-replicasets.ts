// A Deployment's ReplicaSets (claimed by selector in deployment.ts, util/controller-ref.ts):
// splitting new from old, and creating the new ReplicaSet for the current template with its
// pod-template-hash and revision annotations — what `kubectl rollout history|undo` read.
import type { DeploymentStatus } from '../apimachinery/workload-types';
import type { KubeObject } from '../kinds/types';
import type { KubeClient } from '../client/types';
import { R, isStatus } from '../client/types';
import type { EventRecorder } from '../client/event-recorder';
import { controllerRefOf, ownerRefFor } from './util/controller-ref';
import type { RSSets } from './deployment-rollout';
import {
  byCreation,
  equalIgnoreHash,
  HASH_LABEL,
  maxRevision,
  newRSReplicas,
  REVISION,
  revisionOf,
  setNewRSAnnotations,
  templateHash,
} from './deployment-util';
import { getCondition, hasProgressDeadline, newCondition, setCondition, statusOf } from './deployment-status';

export interface RSDeps {
  client: KubeClient;
  events: EventRecorder;
  now: () => Date;
  /** Writes the Deployment's status (retrying conflicts); returns the stored object. */
  writeStatus(d: KubeObject, status: DeploymentStatus): Promise<KubeObject>;
}

/** Keeps the Deployment's own revision annotation equal to its new ReplicaSet's. */
async function syncDeploymentRevision(client: KubeClient, d: KubeObject, revision: string): Promise<KubeObject> {
  if (d.metadata.annotations?.[REVISION] === revision) return d;
  return client.patch(R.deployments, d.metadata.namespace, d.metadata.name!, 'merge', {
    metadata: { annotations: { [REVISION]: revision } },
  });
}

/**
 * Splits new from old ReplicaSets and brings the new one's annotations up to date (upstream
 * getAllReplicaSetsAndSyncRevision). With `create`, makes the new ReplicaSet when none matches
 * the template. Returns the sets and the Deployment as last written.
 */
export async function syncRevision(
  deps: RSDeps,
  d: KubeObject,
  rsList: KubeObject[],
  create: boolean,
): Promise<{ sets: RSSets; d: KubeObject }> {
  const sorted = [...rsList].sort(byCreation);
  const existing = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
  const oldRSs = sorted.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;

  if (existing) {
    const copy = structuredClone(existing);
    const changed = setNewRSAnnotations(d, copy, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (changed || (copy.spec.minReadySeconds ?? 0) !== minReady) {
      copy.spec.minReadySeconds = minReady;
      const updated = await deps.client.update(R.replicasets, copy.metadata.namespace, copy);
      return { sets: { newRS: updated, oldRSs }, d };
    }
    d = await syncDeploymentRevision(deps.client, d, String(revisionOf(copy)));
    if (hasProgressDeadline(d) && !getCondition(statusOf(d), 'Progressing')) {
      const status = structuredClone(statusOf(d));
      setCondition(
        status,
        newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${copy.metadata.name}"`, deps.now()),
      );
      d = await deps.writeStatus(d, status);
    }
    return { sets: { newRS: existing, oldRSs }, d };
  }
  if (!create) return { sets: { oldRSs }, d };

  const hash = templateHash(d.spec.template, statusOf(d).collisionCount);
  const template = structuredClone(d.spec.template);
  (template.metadata ??= {}).labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [ownerRefFor(d)],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  setNewRSAnnotations(d, rs, newRevision, false);
  rs.spec.replicas = newRSReplicas(d, [...oldRSs, rs], rs);

  let created: KubeObject;
  let alreadyExisted = false;
  try {
    created = await deps.client.create(R.replicasets, d.metadata.namespace, rs);
  } catch (e) {
    if (!isStatus(e, 409)) throw e;
    const found = await deps.client.get(R.replicasets, d.metadata.namespace, rs.metadata.name!);
    const ours = controllerRefOf(found)?.uid === d.metadata.uid;
    if (!ours || !equalIgnoreHash(found.spec?.template, d.spec.template)) {
      // A different ReplicaSet holds this hash's name: bump collisionCount so the next hash differs.
      const status = structuredClone(statusOf(d));
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      await deps.writeStatus(d, status);
      throw new Error(`hash collision for ReplicaSet ${rs.metadata.name}; collisionCount now ${status.collisionCount}`);
    }
    created = found; // our informer had not seen it yet
    alreadyExisted = true;
  }
  if (!alreadyExisted && rs.spec.replicas > 0) {
    deps.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${rs.spec.replicas} from 0`);
  }
  d = await syncDeploymentRevision(deps.client, d, String(newRevision));
  if (!alreadyExisted && hasProgressDeadline(d)) {
    const status = structuredClone(statusOf(d));
    setCondition(
      status,
      newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, deps.now()),
    );
    d = await deps.writeStatus(d, status);
  }
  return { sets: { newRS: created, oldRSs }, d };
}
