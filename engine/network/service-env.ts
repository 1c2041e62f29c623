// The environment variables Kubernetes gives every container about Services: KUBERNETES_SERVICE_HOST/
// PORT (what client-go's in-cluster config reads) always, and for each Service of the pod's
// namespace that existed when the container started the `<SVC>_SERVICE_HOST/PORT` and Docker-link
// style `<SVC>_PORT_...` variables, unless the pod sets enableServiceLinks: false.
import type { KubeObject } from '../kinds/types';

const envName = (s: string) => s.toUpperCase().replace(/-/g, '_');

function varsFor(svc: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  const ip: string = svc.spec.clusterIP;
  const ports: any[] = svc.spec.ports ?? [];
  const n = envName(svc.metadata.name!);
  out[`${n}_SERVICE_HOST`] = ip;
  if (ports[0]) out[`${n}_SERVICE_PORT`] = String(ports[0].port);
  for (const p of ports) if (p.name) out[`${n}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
  if (ports[0]) out[`${n}_PORT`] = `${(ports[0].protocol ?? 'TCP').toLowerCase()}://${ip}:${ports[0].port}`;
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP') as string;
    const prefix = `${n}_PORT_${p.port}_${proto.toUpperCase()}`;
    out[prefix] = `${proto.toLowerCase()}://${ip}:${p.port}`;
    out[`${prefix}_PROTO`] = proto.toLowerCase();
    out[`${prefix}_PORT`] = String(p.port);
    out[`${prefix}_ADDR`] = ip;
  }
  return out;
}

const hasIP = (svc: KubeObject) => svc.spec?.type !== 'ExternalName' && !!svc.spec?.clusterIP && svc.spec.clusterIP !== 'None';

/** Variables for a pod, from the Services the caller knows (all namespaces are fine: it filters). */
export function serviceEnv(services: KubeObject[], pod: KubeObject): Record<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const out: Record<string, string> = {};
  const sorted = services.filter(hasIP).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  if (links) for (const s of sorted) if (s.metadata.namespace === ns) Object.assign(out, varsFor(s));
  // The API server's Service is always there, in every namespace (as the kubelet does).
  const master = sorted.find((s) => s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes');
  if (master) Object.assign(out, varsFor(master));
  return out;
}
