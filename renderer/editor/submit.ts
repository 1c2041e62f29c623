// Sends an object to the cluster: create (POST) or replace (PUT), for real or as a
// server-side dry run, always with strict field validation (unknown fields are errors).
import type { K8sClient } from '../k8s/client';
import { resourcePath } from '../k8s/resources';
import type { KubeObject } from '../k8s/types';
import type { Target } from './manifest';
import { EDITOR_FIELD_MANAGER } from './apply-conflicts';

export type EditorMode = 'create' | 'edit';

export function submit(
  client: K8sClient,
  target: Target,
  body: unknown,
  mode: EditorMode,
  dryRun: boolean,
  signal?: AbortSignal,
): Promise<KubeObject> {
  const query = { fieldValidation: 'Strict', dryRun: dryRun ? 'All' : undefined };
  const what = `${target.resource.kind} ${target.name}`;
  if (mode === 'create') return client.send('POST', resourcePath(target.resource, target.namespace), body, { query, signal, what });
  return client.send('PUT', resourcePath(target.resource, target.namespace, target.name), body, { query, signal, what });
}

/** Server-side apply as the app's field manager; `force` takes over fields others own. */
export function applyServerSide(
  client: K8sClient,
  target: Target,
  body: Record<string, unknown>,
  opts: { dryRun?: boolean; force?: boolean; signal?: AbortSignal } = {},
): Promise<KubeObject> {
  // Apply needs no resourceVersion (it merges into whatever is live); sent, it would be a precondition.
  const metadata = { ...((body.metadata ?? {}) as Record<string, unknown>) };
  delete metadata.resourceVersion;
  delete metadata.managedFields;
  const query = {
    fieldManager: EDITOR_FIELD_MANAGER,
    fieldValidation: 'Strict',
    force: opts.force ? 'true' : undefined,
    dryRun: opts.dryRun ? 'All' : undefined,
  };
  const what = `${target.resource.kind} ${target.name}`;
  return client.send(
    'PATCH',
    resourcePath(target.resource, target.namespace, target.name),
    { ...body, metadata },
    {
      query,
      signal: opts.signal,
      what,
      contentType: 'application/apply-patch+yaml',
    },
  );
}
