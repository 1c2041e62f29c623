// A pod for a controller from its pod template (upstream GetPodFromTemplate): the template's
// labels, annotations, finalizers and spec, the controller's reference, and a generateName of
// `<owner>-` (callers that name their pods, like StatefulSets, set the name as well).
import type { KubeObject, OwnerReference } from '../../kinds/types';
import { ownerRefFor } from './controller-ref';

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: Record<string, unknown>;
}

export function podFromTemplate(owner: KubeObject, template: unknown, ref: OwnerReference = ownerRefFor(owner)): KubeObject {
  const t = (template ?? {}) as PodTemplate;
  const meta = t.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [ref],
    },
    spec: structuredClone(t.spec ?? {}),
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
