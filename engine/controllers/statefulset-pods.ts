// What a StatefulSet's pod number i looks like: stable name, hostname/subdomain, identity labels,
// and volumes bound to its own PersistentVolumeClaims from volumeClaimTemplates.
import type { KubeObject } from '../kinds/types';
import { REVISION_HASH_LABEL } from './controller-revision';
import { ownerRefFor } from './util/controller-ref';
import { podFromTemplate } from './util/pod-template';
import type { ObjectMeta } from '../apimachinery/object-types';
import type { PodTemplateSpec, Volume } from '../apimachinery/pod-types';

/** One of spec.volumeClaimTemplates: a claim's metadata and spec. */
type ClaimTemplate = { metadata?: ObjectMeta; spec?: unknown };

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export const podName = (sts: KubeObject, ordinal: number) => `${sts.metadata.name}-${ordinal}`;
export const claimName = (tmpl: ClaimTemplate, sts: KubeObject, ordinal: number) =>
  `${tmpl.metadata?.name}-${sts.metadata.name}-${ordinal}`;

/** The ordinal of a pod named `<sts>-<n>`, or -1 when the name is not one of the set's. */
export function ordinalOf(sts: KubeObject, pod: KubeObject): number {
  const prefix = `${sts.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

export function newStatefulPod(sts: KubeObject, ordinal: number, template: PodTemplateSpec, revision: string): KubeObject {
  const pod = podFromTemplate(sts, template, ownerRefFor(sts, 'apps/v1', 'StatefulSet'));
  const name = podName(sts, ordinal);
  pod.metadata.name = name;
  Object.assign(pod.metadata.labels!, {
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
    [REVISION_HASH_LABEL]: revision,
  });
  pod.spec.hostname = name;
  if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
  const volumes: Volume[] = pod.spec.volumes ?? [];
  for (const t of sts.spec.volumeClaimTemplates ?? []) {
    const v = { name: t.metadata?.name, persistentVolumeClaim: { claimName: claimName(t, sts, ordinal) } };
    const i = volumes.findIndex((x) => x.name === v.name);
    if (i >= 0) volumes[i] = v;
    else volumes.push(v);
  }
  if (volumes.length) pod.spec.volumes = volumes;
  return pod;
}

/** The claim for one template and ordinal; owned by the set only when claims go with it. */
export function newClaim(sts: KubeObject, tmpl: ClaimTemplate, ordinal: number): KubeObject {
  const t = structuredClone(tmpl);
  const labels = { ...(t.metadata?.labels ?? {}), ...(sts.spec.selector?.matchLabels ?? {}) };
  const claim: KubeObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(tmpl, sts, ordinal),
      namespace: sts.metadata.namespace,
      labels,
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
    },
    spec: t.spec ?? {},
  };
  if (sts.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') {
    claim.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: sts.metadata.name!,
        uid: sts.metadata.uid!,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
  return claim;
}
