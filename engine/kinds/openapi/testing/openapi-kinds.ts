// Small kind definitions for the OpenAPI document tests (v2 and v3 read the same ones).
import type { KindDef } from '../../types';

/** A namespaced kind with no subresources or columns unless `over` says otherwise. */
export const testKind = (over: Partial<KindDef> & Pick<KindDef, 'group' | 'version' | 'kind' | 'plural' | 'model'>): KindDef => ({
  singular: over.kind.toLowerCase(),
  shortNames: [],
  namespaced: true,
  categories: [],
  subresources: {},
  printerColumns: [],
  ...over,
});

export const podKind = testKind({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', model: 'V1Pod', subresources: { status: true } });

/** Deployment with status and scale, as the built-in one. */
export const deploymentKind = testKind({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  model: 'V1Deployment',
  subresources: {
    status: true,
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  },
});
