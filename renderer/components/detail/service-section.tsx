// A Service: type, addresses, ports, selector and the endpoints behind it.
import { useEffect, useState } from 'react';
import { resourcePath, wellKnown } from '../../k8s/resources';
import { accessQuery } from '../../k8s/access';
import { guard, useAccess } from '../../state/use-access';
import type { KubeObject } from '../../k8s/types';
import { useK8s } from '../../state/services';
import { Chips } from './meta-section';
import { PortForwardDialog, servicePortChoices } from './port-forward-dialog';

const endpointsRes = { group: '', version: 'v1', name: 'endpoints', kind: 'Endpoints', namespaced: true, verbs: [], shortNames: [] };

export function ServiceActions({ svc }: { svc: KubeObject }) {
  const [forwarding, setForwarding] = useState(false);
  const external = svc.spec?.type === 'ExternalName';
  const forward = useAccess(accessQuery(wellKnown.pods, 'create', svc.metadata.namespace ?? 'default', undefined, 'portforward'));
  return (
    <>
      <button
        data-testid="action-port-forward"
        {...guard(forward, {
          disabled: external,
          title: external ? 'An ExternalName service has no pods' : 'Forward a local port to a pod behind this service',
        })}
        onClick={() => setForwarding(true)}
      >
        Port-forward
      </button>
      {forwarding && (
        <PortForwardDialog
          kind="service"
          namespace={svc.metadata.namespace ?? 'default'}
          name={svc.metadata.name ?? ''}
          ports={servicePortChoices(svc)}
          onClose={() => setForwarding(false)}
        />
      )}
    </>
  );
}

export function ServiceSection({ svc }: { svc: KubeObject }) {
  const client = useK8s();
  const [eps, setEps] = useState<KubeObject | null>();
  const [err, setErr] = useState('');
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  useEffect(() => {
    if (!client) return;
    let live = true;
    const load = () =>
      client.getJson<KubeObject>(resourcePath(endpointsRes, ns, name)).then(
        (e) => live && (setEps(e), setErr('')),
        (e) => live && (e?.code === 404 ? setEps(null) : setErr(e.message)),
      );
    load();
    const t = setInterval(load, 5000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [client, ns, name, svc.metadata.resourceVersion]);
  const s = svc.spec ?? {};
  const spec = svc.spec as { selector?: Record<string, string>; type?: string } | undefined;
  const hasSelector = Object.keys(spec?.selector ?? {}).length > 0;
  const external = spec?.type === 'ExternalName';
  const addresses = (eps?.subsets ?? []).flatMap((sub: any) => [
    ...(sub.addresses ?? []).map((a: any) => ({ ip: a.ip, pod: a.targetRef?.name, ready: true, ports: sub.ports ?? [] })),
    ...(sub.notReadyAddresses ?? []).map((a: any) => ({ ip: a.ip, pod: a.targetRef?.name, ready: false, ports: sub.ports ?? [] })),
  ]);
  return (
    <section data-testid="service-section">
      <h3>Service</h3>
      <div className="kv">
        <span>Type</span>
        <span>{s.type ?? 'ClusterIP'}</span>
        <span>Cluster IP</span>
        <span className="mono">{(s.clusterIPs ?? [s.clusterIP]).filter(Boolean).join(', ') || 'None'}</span>
        {s.externalName && (
          <>
            <span>External name</span>
            <span className="mono">{s.externalName}</span>
          </>
        )}
        {!!svc.status?.loadBalancer?.ingress?.length && (
          <>
            <span>Load balancer</span>
            <span className="mono">{svc.status.loadBalancer.ingress.map((i: any) => i.ip ?? i.hostname).join(', ')}</span>
          </>
        )}
        <span>Selector</span>
        {hasSelector ? (
          <Chips map={s.selector} />
        ) : (
          <span className="muted" data-testid="no-selector">
            none: its endpoints are not picked by labels
          </span>
        )}
      </div>
      <h3>Ports</h3>
      <table className="mini">
        <thead>
          <tr>
            <th>Name</th>
            <th>Port</th>
            <th>Target</th>
            <th>Node port</th>
            <th>Protocol</th>
          </tr>
        </thead>
        <tbody>
          {(s.ports ?? []).map((p: any, i: number) => (
            <tr key={i}>
              <td>{p.name}</td>
              <td>{p.port}</td>
              <td>{p.targetPort}</td>
              <td>{p.nodePort ?? ''}</td>
              <td>{p.protocol ?? 'TCP'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Endpoints</h3>
      {err ? (
        <div className="small tone-bad">{err}</div>
      ) : !addresses.length ? (
        <div className="muted small">
          {eps === undefined
            ? 'Loading…'
            : external
              ? 'None: an ExternalName service answers with a DNS name, not with pods.'
              : hasSelector
                ? 'No endpoints: no ready pod matches the selector.'
                : 'No selector: whoever manages this Service sets its endpoints (or answers on its IP itself); none are set.'}
        </div>
      ) : (
        <table className="mini" data-testid="endpoints">
          <tbody>
            {addresses.map((a: any, i: number) => (
              <tr key={i}>
                <td className="mono">{a.ip}</td>
                <td>{a.pod}</td>
                <td className={a.ready ? 'tone-ok' : 'tone-warn'}>{a.ready ? 'ready' : 'not ready'}</td>
                <td>{a.ports.map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
