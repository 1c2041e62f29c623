// Subresources declared with their resource (the idea of kube-apiserver's per-resource storage
// maps, pkg/registry/core/pod/storage/storage.go): one small handler object per
// group/resource/subresource. HTTP (subresources.ts) and the in-process client both find
// handlers here, so neither dispatches on kind names.
import type { KindDef } from '../../kinds/types';
import type { SubresourceHandler } from '../handler-deps';
import { scaleSubresource, statusSubresource } from './subresources-common';
import { namespaceFinalize } from './subresources-core';
import { serviceAccountToken } from '../authn/token-request';
import { csrApproval } from './subresources-certificates';
import { podProxy, serviceProxy } from './subresources-proxy';
import { nodeProxy } from './subresources-node-proxy';
import { podBinding, podEphemeralContainers, podEviction, podLog, podStream } from './subresources-pod';

/** Keyed `group/resource/subresource` (the core group is ''). */
const BY_RESOURCE = new Map<string, SubresourceHandler>([
  ['/namespaces/finalize', namespaceFinalize],
  ['/serviceaccounts/token', serviceAccountToken],
  ['/pods/binding', podBinding],
  ['/pods/eviction', podEviction],
  ['/pods/ephemeralcontainers', podEphemeralContainers],
  ['/pods/log', podLog],
  ['/pods/exec', podStream],
  ['/pods/attach', podStream],
  ['/pods/portforward', podStream],
  ['/pods/proxy', podProxy],
  ['/services/proxy', serviceProxy],
  ['/nodes/proxy', nodeProxy],
  ['certificates.k8s.io/certificatesigningrequests/approval', csrApproval],
]);

/** The handler of `def`'s subresource `sub`, or undefined when the resource has no such subresource. */
export function findSubresource(def: KindDef, sub: string): SubresourceHandler | undefined {
  // status and scale belong to every kind that declares them (built-ins and custom resources).
  if (sub === 'status' && def.subresources.status) return statusSubresource;
  if (sub === 'scale' && def.subresources.scale) return scaleSubresource;
  return BY_RESOURCE.get(`${def.group}/${def.plural}/${sub}`);
}
