// The profile's custom resources by API group, from its CRDs (listed every 10 s as a Table of
// names). A CRD that discovery has not seen (created since it ran) reads discovery again, so
// new kinds appear without a reload. undefined while unknown or when CRDs cannot be listed.
import { useEffect, useRef } from 'react';
import { tableAccept } from '../k8s/client';
import { crdNamesOf, customGroups, undiscovered, type ResourceGroup } from '../k8s/custom-resources';
import { resourcePath } from '../k8s/resources';
import type { ApiResource, RawTable } from '../k8s/types';
import { useApp, useServices } from './services';
import { usePolled } from './use-polled';

const CRDS: ApiResource = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  name: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  verbs: ['list'],
  shortNames: [],
};

export function useCustomGroups(profile: string): ResourceGroup[] | undefined {
  const services = useServices();
  const client = services.k8s(profile);
  const discovery = useApp((s) => s.discovery[profile]);
  const crds = usePolled(
    (signal) =>
      client.getJson<RawTable>(resourcePath(CRDS), { accept: tableAccept, signal, query: { includeObject: 'None' } }).then(crdNamesOf),
    [client],
  );
  const asked = useRef('');
  // A CRD gone from the list is dropped from the panels' CRD cache at once (not after its probe).
  useEffect(() => {
    if (crds.data) services.crds(profile).retain(crds.data);
  }, [crds.data, profile, services]);
  useEffect(() => {
    if (!crds.data || !discovery || discovery.loading) return;
    const missing = undiscovered(discovery.resources, crds.data).join(',');
    // Once per new set: a CRD not served yet (not Established) must not reload discovery in a loop.
    if (missing && missing !== asked.current) {
      asked.current = missing;
      services.store.getState().loadDiscovery(profile, true);
    }
  }, [crds.data, discovery, profile, services]);
  return crds.data && discovery ? customGroups(discovery.resources, crds.data) : undefined;
}
