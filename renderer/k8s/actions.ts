// Actions on objects, as kubectl does them: delete with propagation, scale, restart a
// rollout, roll back, cordon, drain through evictions.
import { jsonPatch, mergePatch, type K8sClient } from './client';
import { K8sError } from './errors';
import { resourcePath, wellKnown } from './resources';
import type { ApiResource, KubeObject } from './types';

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export function deleteObject(c: K8sClient, r: ApiResource, namespace: string, name: string, propagationPolicy: Propagation = 'Background') {
  return c.send(
    'DELETE',
    resourcePath(r, namespace, name),
    { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy },
    { what: `${r.kind} ${name}` },
  );
}

export async function scale(c: K8sClient, r: ApiResource, namespace: string, name: string, replicas: number) {
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new K8sError(`Replicas must be a whole number ≥ 0 (got ${replicas}).`, 422, 'Invalid', 'Enter a number such as 3.');
  try {
    return await c.send(
      'PATCH',
      resourcePath(r, namespace, name, 'scale'),
      { spec: { replicas } },
      { contentType: mergePatch, what: `${r.kind} ${name}` },
    );
  } catch (e) {
    // Kinds without a scale subresource: set spec.replicas directly.
    if (e instanceof K8sError && e.code === 404)
      return c.send(
        'PATCH',
        resourcePath(r, namespace, name),
        { spec: { replicas } },
        { contentType: mergePatch, what: `${r.kind} ${name}` },
      );
    throw e;
  }
}

export function restartRollout(c: K8sClient, r: ApiResource, namespace: string, name: string, now = new Date()) {
  const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } };
  return c.send('PATCH', resourcePath(r, namespace, name), patch, { contentType: mergePatch, what: `${r.kind} ${name}` });
}

/** Sets a Deployment's pod template back to the one a ReplicaSet (a revision) carries. */
export function rollbackTo(c: K8sClient, deployment: KubeObject, rs: KubeObject) {
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  const ops = [
    { op: 'test', path: '/metadata/resourceVersion', value: deployment.metadata.resourceVersion },
    { op: 'replace', path: '/spec/template', value: template },
  ];
  return c.send('PATCH', resourcePath(wellKnown.deployments, deployment.metadata.namespace, deployment.metadata.name), ops, {
    contentType: jsonPatch,
    what: `deployment ${deployment.metadata.name}`,
  });
}

export function setCordon(c: K8sClient, node: string, unschedulable: boolean) {
  return c.send(
    'PATCH',
    resourcePath(wellKnown.nodes, '', node),
    { spec: { unschedulable: unschedulable ? true : null } },
    { contentType: mergePatch, what: `node ${node}` },
  );
}

export interface DrainResult {
  evicted: string[];
  skipped: string[];
  failed: string[];
}

/** Pods drain leaves alone: DaemonSet pods (they would come straight back) and mirror pods. */
export function drainSkips(pod: KubeObject): string | undefined {
  if (pod.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet')) return 'DaemonSet';
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return 'mirror pod';
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 'finished';
  return undefined;
}

export async function drain(c: K8sClient, node: string): Promise<DrainResult> {
  await setCordon(c, node, true);
  const list = await c.getJson<{ items: KubeObject[] }>(resourcePath(wellKnown.pods), {
    query: { fieldSelector: `spec.nodeName=${node}` },
  });
  const out: DrainResult = { evicted: [], skipped: [], failed: [] };
  await Promise.all(
    list.items.map(async (pod) => {
      const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (drainSkips(pod)) return void out.skipped.push(id);
      try {
        await c.send(
          'POST',
          resourcePath(wellKnown.pods, pod.metadata.namespace, pod.metadata.name, 'eviction'),
          { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } },
          { what: `pod ${id}` },
        );
        out.evicted.push(id);
      } catch (e) {
        out.failed.push(`${id}: ${(e as Error).message}`);
      }
    }),
  );
  return out;
}
