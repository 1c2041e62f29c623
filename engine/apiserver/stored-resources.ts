// The API core's stored resources as the client names them: what the controller manager's garbage
// collector and namespace controller walk (discovery's list, in-process).
import type { ApiResource } from '../client/types';
import type { ApiCore } from './api-core';

export function storedResources(core: Pick<ApiCore, 'storedKinds'>): () => ApiResource[] {
  return () =>
    core.storedKinds().map((d) => ({ group: d.group, version: d.version, plural: d.plural, kind: d.kind, namespaced: d.namespaced }));
}
