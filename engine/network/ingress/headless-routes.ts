// Headless Services (clusterIP: None) as ingress backends (pure): the network's routing table
// leaves them out (nothing to intercept), so their ready endpoints are read from the
// EndpointSlices here, per Service port by name (or the sole unnamed one). They have no
// ClusterIP, so they are always dialled at the pod itself, even where other backends go
// through the network agent.
import type { KubeObject } from '../../kinds/types';
import type { Endpoint, ServiceRoute } from '../table';
import { servicePorts } from './ingress-types';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

interface SlicePort {
  name?: string;
  port?: number;
  protocol?: string;
}
interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean };
}

export function headlessRoutes(services: KubeObject[], slices: KubeObject[]): ServiceRoute[] {
  const out: ServiceRoute[] = [];
  for (const svc of services) {
    if ((svc.spec as { clusterIP?: string } | undefined)?.clusterIP !== 'None') continue;
    const ns = svc.metadata.namespace ?? 'default';
    const mine = slices.filter((s) => s.metadata.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name);
    const route: ServiceRoute = { id: `${ns}/${svc.metadata.name}`, ip: '', ports: [] };
    for (const sp of servicePorts(svc)) {
      const protocol = sp.protocol ?? 'TCP';
      const endpoints: Endpoint[] = [];
      for (const s of mine) {
        const port = ((s.ports ?? []) as SlicePort[]).find(
          (p) => (p.name ?? '') === (sp.name ?? '') && (p.protocol ?? 'TCP') === protocol,
        )?.port;
        if (port === undefined) continue;
        for (const e of (s.endpoints ?? []) as SliceEndpoint[])
          if (e.conditions?.ready !== false) for (const ip of e.addresses ?? []) endpoints.push({ ip, port });
      }
      route.ports.push({ port: sp.port, protocol: protocol as 'TCP', endpoints });
    }
    out.push(route);
  }
  return out;
}
