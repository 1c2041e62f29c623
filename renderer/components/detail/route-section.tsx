// An Ingress or HTTPRoute: the URLs it answers on, as links (the Electron shell opens them in
// the system browser), each with the Service behind it and how many of its endpoints are ready.
import { useEffect, useState } from 'react';
import { httpRouteUrls, ingressUrls, parentGateways, readyByService, type AppUrl } from '../../k8s/app-urls';
import { resourcePath, routingKinds } from '../../k8s/resources';
import type { KubeObject } from '../../k8s/types';
import { useK8s } from '../../state/services';
import { useIngressPorts } from '../../state/use-ingress-ports';
import { useLiveTable } from '../../state/use-live-table';

function UrlTable({ urls, namespace, empty }: { urls: AppUrl[]; namespace: string; empty: string }) {
  const client = useK8s();
  const slices = useLiveTable(client, urls.length ? resourcePath(routingKinds.endpointslices, namespace) : undefined, {
    includeObject: 'Object',
    poll: true,
    pollMs: 5000,
  });
  const ready = readyByService(slices.set.rows.map((r) => r.object).filter((o): o is KubeObject => !!o));
  if (!urls.length)
    return (
      <div className="muted small" data-testid="no-app-urls">
        {empty}
      </div>
    );
  return (
    <table className="mini" data-testid="app-urls">
      <thead>
        <tr>
          <th>URL</th>
          <th>Backend</th>
          <th>Ready</th>
        </tr>
      </thead>
      <tbody>
        {urls.map((u) => {
          const svc = u.backend?.split(':')[0];
          const r = svc ? ready.get(svc) : undefined;
          const tone = !r ? '' : r.ready > 0 ? 'tone-ok' : 'tone-bad';
          return (
            <tr key={u.url}>
              <td>
                <a href={u.url} target="_blank" rel="noopener noreferrer" data-testid="app-url">
                  {u.url}
                </a>
              </td>
              <td className="mono">{u.backend ?? '—'}</td>
              <td className={tone} data-testid="backend-ready">
                {!svc ? '—' : r ? `${r.ready}/${r.total}` : slices.loading ? '…' : 'no endpoints'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function IngressSection({ obj }: { obj: KubeObject }) {
  const ports = useIngressPorts();
  const urls = ingressUrls(obj, ports);
  const cls = (obj.spec as { ingressClassName?: string } | undefined)?.ingressClassName;
  return (
    <section data-testid="ingress-section">
      <h3>URLs</h3>
      {cls && <div className="muted small">class {cls}</div>}
      <UrlTable
        urls={urls}
        namespace={obj.metadata.namespace ?? 'default'}
        empty="No URL to open yet: its rules name only wildcard hosts, or no controller has given it an address."
      />
    </section>
  );
}

type Condition = { type: string; status: string; reason?: string; message?: string };
type Parent = { parentRef?: { name?: string; namespace?: string; sectionName?: string }; conditions?: Condition[] };

/** What each parent Gateway said of the route: Accepted (it attached) and ResolvedRefs (its backends exist). */
function ParentStatus({ route }: { route: KubeObject }) {
  const parents = (route.status as { parents?: Parent[] } | undefined)?.parents ?? [];
  if (!parents.length) return <div className="muted small">No Gateway has reported on this route yet.</div>;
  return (
    <>
      {parents.map((p) => {
        const ref = p.parentRef ?? {};
        const name = `${ref.namespace ? ref.namespace + '/' : ''}${ref.name ?? '?'}${ref.sectionName ? ` (${ref.sectionName})` : ''}`;
        return (
          <div key={name} className="small" data-testid="route-parent" data-gateway={ref.name}>
            Gateway {name}:{' '}
            {['Accepted', 'ResolvedRefs'].map((type) => {
              const c = p.conditions?.find((x) => x.type === type);
              const ok = c?.status === 'True';
              return (
                <span
                  key={type}
                  className={c ? (ok ? 'tone-ok' : 'tone-bad') : 'muted'}
                  data-testid="route-condition"
                  data-type={type}
                  data-status={c?.status ?? 'Unknown'}
                  title={c?.message}
                >
                  {type} {c ? (ok ? '✓' : `✗ ${c.reason ?? ''}${c.message ? `: ${c.message}` : ''}`) : '…'}{' '}
                </span>
              );
            })}
          </div>
        );
      })}
    </>
  );
}

/** The route's parent Gateways, read every 10 s (their listeners decide scheme and host names). */
function useGateways(route: KubeObject): Map<string, KubeObject> {
  const client = useK8s();
  const keys = parentGateways(route).join(',');
  const [gateways, setGateways] = useState(new Map<string, KubeObject>());
  useEffect(() => {
    if (!client || !keys) return;
    let live = true;
    const load = () =>
      Promise.all(
        keys.split(',').map((k) => {
          const [ns, name] = k.split('/');
          return client
            .getJson<KubeObject>(resourcePath(routingKinds.gateways, ns, name))
            .then((g): [string, KubeObject] => [k, g])
            .catch(() => undefined);
        }),
      ).then((got) => live && setGateways(new Map(got.filter((g): g is [string, KubeObject] => !!g))));
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [client, keys]);
  return gateways;
}

export function HttpRouteSection({ obj }: { obj: KubeObject }) {
  const ports = useIngressPorts();
  const gateways = useGateways(obj);
  const urls = httpRouteUrls(obj, gateways, ports);
  return (
    <section data-testid="httproute-section">
      <h3>URLs</h3>
      <ParentStatus route={obj} />
      <UrlTable
        urls={urls}
        namespace={obj.metadata.namespace ?? 'default'}
        empty="No URL to open yet: no parent Gateway with an HTTP or HTTPS listener that takes its host names."
      />
    </section>
  );
}
