// The overview's list of the cluster's app URLs: every Ingress's and HTTPRoute's links (see
// k8s/app-urls.ts), each beside the object that makes it (a click opens that object).
import { httpRouteUrls, ingressUrls, parentGateways, type AppUrl } from '../k8s/app-urls';
import type { K8sClient } from '../k8s/client';
import { errorText } from '../k8s/errors';
import { resourcePath, routingKinds } from '../k8s/resources';
import type { ApiResource, KubeObject } from '../k8s/types';
import { useApp, useK8s, useServices } from '../state/services';
import { useIngressPorts } from '../state/use-ingress-ports';
import { usePolled } from '../state/use-polled';
import type { IngressPorts } from '../k8s/app-urls';

interface Exposed {
  resource: ApiResource;
  obj: KubeObject;
  urls: AppUrl[];
}

const list = (client: K8sClient, r: ApiResource, ns: string, signal: AbortSignal) =>
  client.getJson<{ items: KubeObject[] }>(resourcePath(r, ns), { signal, query: { limit: '500' } }).then((l) => l.items ?? []);

/** What the identity may list (true) or not (false); unknown (undefined) is not read yet. */
interface Reads {
  gatewayApi: boolean;
  ingresses?: boolean;
  httproutes?: boolean;
  gateways?: boolean;
}

async function loadExposed(client: K8sClient, ns: string, reads: Reads, ports: IngressPorts | undefined, signal: AbortSignal) {
  const none = Promise.resolve([] as KubeObject[]);
  const [ingresses, routes, gateways] = await Promise.all([
    reads.ingresses ? list(client, routingKinds.ingresses, ns, signal) : none,
    reads.gatewayApi && reads.httproutes ? list(client, routingKinds.httproutes, ns, signal) : none,
    // Parents may sit in other namespaces: all Gateways, keyed namespace/name.
    reads.gatewayApi && reads.httproutes && reads.gateways ? list(client, routingKinds.gateways, '', signal) : none,
  ]);
  const byKey = new Map(gateways.map((g) => [`${g.metadata.namespace}/${g.metadata.name}`, g]));
  const out: Exposed[] = [
    ...ingresses.map((obj) => ({ resource: routingKinds.ingresses, obj, urls: ingressUrls(obj, ports) })),
    ...routes
      .filter((obj) => parentGateways(obj).length)
      .map((obj) => ({ resource: routingKinds.httproutes, obj, urls: httpRouteUrls(obj, byKey, ports) })),
  ];
  return out.filter((e) => e.urls.length);
}

export function AppUrlsCard(reads: Reads) {
  const client = useK8s();
  const namespace = useApp((s) => s.namespace);
  const { store } = useServices();
  const ports = useIngressPorts();
  const known = reads.ingresses !== undefined && (!reads.gatewayApi || (reads.httproutes !== undefined && reads.gateways !== undefined));
  const exposed = usePolled(
    (signal) => (client && known ? loadExposed(client, namespace, reads, ports, signal) : Promise.resolve(undefined)),
    [client, namespace, known, reads.gatewayApi, reads.ingresses, reads.httproutes, reads.gateways, ports?.http, ports?.https],
  );
  const open = (e: Exposed) => {
    const s = store.getState();
    s.showList(e.resource);
    s.select({ resource: e.resource, namespace: e.obj.metadata.namespace ?? '', name: e.obj.metadata.name ?? '' });
  };
  const rows = exposed.data ?? [];
  return (
    <>
      <h3>App URLs</h3>
      {ports?.http ? (
        <div className="muted small">
          Ingress on 127.0.0.1:{ports.http}
          {ports.https ? ` (HTTPS ${ports.https})` : ''}; host names under .localhost reach it with no setup.
        </div>
      ) : null}
      {exposed.error ? <div className="small tone-bad">{errorText(exposed.error)}</div> : null}
      {!rows.length ? (
        <div className="muted small" data-testid="no-overview-urls">
          {exposed.data ? 'No Ingress or HTTPRoute exposes a URL yet.' : 'Loading…'}
        </div>
      ) : (
        <table className="mini" data-testid="overview-urls">
          <thead>
            <tr>
              <th>URL</th>
              <th>From</th>
              <th>Backend</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((e) =>
              e.urls.map((u) => (
                <tr key={`${e.resource.kind}/${e.obj.metadata.namespace}/${e.obj.metadata.name} ${u.url}`}>
                  <td>
                    <a href={u.url} target="_blank" rel="noopener noreferrer" data-testid="overview-url">
                      {u.url}
                    </a>
                  </td>
                  <td>
                    <button className="link" onClick={() => open(e)}>
                      {e.resource.kind} {e.obj.metadata.namespace}/{e.obj.metadata.name}
                    </button>
                  </td>
                  <td className="mono">{u.backend ?? '—'}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </>
  );
}
