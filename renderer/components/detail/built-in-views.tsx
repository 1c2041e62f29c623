// The detail views of built-in kinds, registered in the kind → {section, actions} map.
import { CrdSection } from './crd-section';
import { DataSection } from './data-section';
import { DeploymentSection, WorkloadActions } from './deployment-section';
import { createKindViews, type KindViews } from './kind-views';
import { NodeActions, NodeSection } from './node-section';
import { PodActions, PodSection } from './pod-section';
import { HttpRouteSection, IngressSection } from './route-section';
import { ServiceActions, ServiceSection } from './service-section';

export function builtInKindViews(): KindViews {
  const v = createKindViews();
  v.register([{ group: '', kind: 'Pod' }], {
    section: ({ obj, events }) => <PodSection pod={obj} events={events} />,
    actions: ({ obj }) => <PodActions pod={obj} />,
  });
  v.register([{ group: 'apps', kind: 'Deployment' }], { section: ({ obj }) => <DeploymentSection obj={obj} /> });
  v.register(
    [
      { group: 'apps', kind: 'Deployment' },
      { group: 'apps', kind: 'StatefulSet' },
      { group: 'apps', kind: 'DaemonSet' },
      { group: 'apps', kind: 'ReplicaSet' },
      { group: 'batch', kind: 'Job' },
    ],
    { actions: ({ obj, resource }) => <WorkloadActions resource={resource} obj={obj} /> },
  );
  v.register([{ group: '', kind: 'Node' }], {
    section: ({ obj }) => <NodeSection node={obj} />,
    actions: ({ obj, reload }) => <NodeActions node={obj} reload={reload} />,
  });
  v.register([{ group: '', kind: 'Service' }], {
    section: ({ obj }) => <ServiceSection svc={obj} />,
    actions: ({ obj }) => <ServiceActions svc={obj} />,
  });
  v.register(
    [
      { group: '', kind: 'Secret' },
      { group: '', kind: 'ConfigMap' },
    ],
    { section: ({ obj }) => <DataSection obj={obj} /> },
  );
  v.register([{ group: 'networking.k8s.io', kind: 'Ingress' }], { section: ({ obj }) => <IngressSection obj={obj} /> });
  v.register([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], { section: ({ obj }) => <HttpRouteSection obj={obj} /> });
  v.register([{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }], { section: ({ obj }) => <CrdSection crd={obj} /> });
  return v;
}

/** Made once: the registry holds components, not state. */
export const detailViews = builtInKindViews();
