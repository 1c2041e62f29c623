// A webhook's clientConfig.service to an address the API server can dial: a ready endpoint of
// the Service's port (kube-apiserver's endpoint routing; Skiff's API server runs on the host,
// which reaches pod addresses but not cluster IPs), or the external name of an ExternalName
// Service. TLS still verifies `<name>.<namespace>.svc`, as upstream does.
import type { KubeObject } from '../../../kinds/types';
import type { ServiceReference, WebhookClientConfig } from './types';
import type { WebhookTarget } from './webhook-client';

export interface ServiceLookup {
  service(namespace: string, name: string): Promise<KubeObject | undefined>;
  endpoints(namespace: string, name: string): Promise<KubeObject | undefined>;
}

interface ServiceSpec {
  type?: string;
  externalName?: string;
  ports?: Array<{ name?: string; port?: number }>;
}

interface EndpointSubset {
  addresses?: Array<{ ip?: string }>;
  ports?: Array<{ name?: string; port?: number }>;
}

function withPath(host: string, port: number, path: string | undefined): URL {
  const h = host.includes(':') ? `[${host}]` : host;
  return new URL(`https://${h}:${port}${path ?? ''}`);
}

async function resolveService(ref: ServiceReference, lookup: ServiceLookup): Promise<URL> {
  const port = ref.port ?? 443;
  const svc = await lookup.service(ref.namespace, ref.name);
  if (!svc) throw new Error(`service "${ref.name}" not found`);
  const spec = (svc.spec ?? {}) as ServiceSpec;
  if (spec.type === 'ExternalName') return withPath(String(spec.externalName ?? ''), port, ref.path);
  const svcPort = (spec.ports ?? []).find((p) => p.port === port);
  if (!svcPort) throw new Error(`no service port ${port} found for service "${ref.name}"`);
  const eps = await lookup.endpoints(ref.namespace, ref.name);
  const subsets = (eps?.subsets ?? []) as EndpointSubset[];
  for (const subset of subsets) {
    const epPort = (subset.ports ?? []).find((p) => (p.name ?? '') === (svcPort.name ?? ''));
    const address = (subset.addresses ?? [])[0];
    if (epPort?.port && address?.ip) return withPath(address.ip, epPort.port, ref.path);
  }
  throw new Error(`no endpoints available for service "${ref.name}"`);
}

export async function resolveTarget(config: WebhookClientConfig, lookup: ServiceLookup): Promise<WebhookTarget> {
  if (config.url) return { url: new URL(config.url), caBundle: config.caBundle };
  const ref = config.service;
  if (!ref) throw new Error('neither service nor URL set');
  return { url: await resolveService(ref, lookup), serverName: `${ref.name}.${ref.namespace}.svc`, caBundle: config.caBundle };
}
