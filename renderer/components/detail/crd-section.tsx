// A CustomResourceDefinition: what it serves (kind, plural, scope, versions and their printer
// columns) and a link to the list of its resources.
import { crdResource, type CrdSpec } from '../../k8s/crd-schema';
import type { KubeObject } from '../../k8s/types';
import { useApp, useServices } from '../../state/services';

export function CrdSection({ crd }: { crd: KubeObject }) {
  const profile = useApp((s) => s.profile);
  const discovered = useApp((s) => (profile ? s.discovery[profile]?.resources : undefined)) ?? [];
  const { store } = useServices();
  const spec = crd.spec as unknown as CrdSpec | undefined;
  const target = crdResource(crd, discovered);
  if (!spec?.names) return <section data-testid="crd-section" />;
  return (
    <section data-testid="crd-section">
      <h3>Serves</h3>
      <div className="kv">
        <span>Kind</span>
        <span className="mono">{spec.names.kind}</span>
        <span>Resource</span>
        <span className="mono">
          {spec.names.plural}.{spec.group}
          {spec.names.shortNames?.length ? <span className="muted"> ({spec.names.shortNames.join(', ')})</span> : null}
        </span>
        <span>Scope</span>
        <span>{spec.scope}</span>
        <span>Versions</span>
        <span>
          {(spec.versions ?? []).map((v) => (
            <div key={v.name} className="small">
              <span className="mono">{v.name}</span>
              <span className="muted">
                {[v.served === false ? 'not served' : 'served', v.storage && 'storage', v.deprecated && 'deprecated']
                  .filter(Boolean)
                  .join(', ')}
                {v.additionalPrinterColumns?.length ? ` · columns ${v.additionalPrinterColumns.map((c) => c.name).join(', ')}` : ''}
              </span>
            </div>
          ))}
        </span>
      </div>
      {target ? (
        <button className="link" data-testid="crd-open-list" onClick={() => store.getState().showList(target)}>
          Open the {spec.names.kind} list
        </button>
      ) : (
        <div className="muted small">No version is served: there is no list to open.</div>
      )}
    </section>
  );
}
