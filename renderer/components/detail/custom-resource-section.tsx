// A custom resource read with its CRD: the printer columns (as the server's Table prints them,
// so values match `kubectl get`), then spec, status and any other top-level field as a tree,
// each field with the description the CRD's schema gives it. Built-in kinds render nothing.
import { Fragment, useEffect, useState } from 'react';
import { tableAccept, type K8sClient } from '../../k8s/client';
import type { CachedCrd, CrdCache } from '../../k8s/crd-cache';
import { fieldRows, schemaAt, type SchemaNode } from '../../k8s/crd-schema';
import { resourcePath } from '../../k8s/resources';
import type { ApiResource, KubeObject, RawTable } from '../../k8s/types';
import { useApp, useK8s, useServices } from '../../state/services';

/** The CRD serving `r` (from the profile's CRD cache); null when there is none (a built-in kind, or no right to read CRDs). */
function useCrd(cache: CrdCache | undefined, r: ApiResource): CachedCrd | null | undefined {
  const [crd, setCrd] = useState<CachedCrd | null>();
  const name = `${r.name}.${r.group}`;
  // A CRD's group has a dot (upstream requires it): core, apps, batch... are never custom.
  const custom = !!cache && r.group.includes('.');
  useEffect(() => {
    if (!cache || !custom) return;
    let live = true;
    cache.get(name).then(
      (c) => live && setCrd(c),
      () => live && setCrd(null),
    );
    return () => {
      live = false;
    };
  }, [cache, name, custom]);
  return custom ? crd : null;
}

/** The object as one Table row (its printer columns), read again when the object changes. */
function usePrinterRow(client: K8sClient | undefined, r: ApiResource, obj: KubeObject, wanted: boolean): RawTable | undefined {
  const [table, setTable] = useState<RawTable>();
  const rv = obj.metadata.resourceVersion;
  useEffect(() => {
    if (!client || !wanted) return;
    const abort = new AbortController();
    client
      .getJson<RawTable>(resourcePath(r, obj.metadata.namespace, obj.metadata.name), {
        accept: tableAccept,
        signal: abort.signal,
        query: { includeObject: 'None' },
      })
      .then(setTable, () => {});
    return () => abort.abort();
  }, [client, r, obj.metadata.namespace, obj.metadata.name, rv, wanted]);
  return table;
}

const cellText = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function PrinterColumns({ table }: { table: RawTable }) {
  const defs = table.columnDefinitions ?? [];
  const cells = table.rows?.[0]?.cells ?? [];
  const shown = defs.map((d, i) => ({ d, v: cells[i] })).filter(({ d }) => d.name !== 'Name');
  if (!shown.length) return null;
  return (
    <>
      <h3>Columns</h3>
      <div className="kv" data-testid="printer-columns">
        {shown.map(({ d, v }) => (
          <Fragment key={d.name}>
            <span title={d.description}>{d.name}</span>
            <span className="mono" data-testid="printer-column" data-column={d.name}>
              {cellText(v) || <span className="muted">&lt;none&gt;</span>}
            </span>
          </Fragment>
        ))}
      </div>
    </>
  );
}

function FieldTree({ name, value, schema }: { name: string; value: unknown; schema?: SchemaNode }) {
  const { rows, more } = fieldRows(value, schema, name);
  return (
    <div className="field-tree small" data-testid="cr-tree" data-field={name}>
      {rows.map((r) => (
        <div
          key={r.path}
          data-testid="cr-field"
          data-path={r.path}
          style={{ paddingLeft: r.depth * 14, display: 'flex', gap: 6, alignItems: 'baseline', flexWrap: 'wrap' }}
        >
          <span className="mono" title={r.description}>
            {r.key}:
          </span>
          {r.value !== undefined ? (
            <span className="mono" data-testid="cr-value">
              {r.value}
            </span>
          ) : (
            <span className="muted">{r.summary}</span>
          )}
          {r.description && (
            <span className="muted" data-testid="cr-field-doc">
              {r.description.length > 160 ? r.description.slice(0, 160) + '…' : r.description}
            </span>
          )}
        </div>
      ))}
      {more > 0 && <div className="muted">… and {more} more fields (see YAML)</div>}
    </div>
  );
}

export function CustomResourceSection({ obj, resource }: { obj: KubeObject; resource: ApiResource }) {
  const client = useK8s();
  const services = useServices();
  const profile = useApp((s) => s.profile);
  const cached = useCrd(profile ? services.crds(profile) : undefined, resource);
  const crd = cached?.crd;
  const version = cached?.version(resource.version);
  const table = usePrinterRow(client, resource, obj, !!version?.additionalPrinterColumns?.length);
  if (!crd) return null;
  const root = version?.schema?.openAPIV3Schema;
  const skip = new Set(['apiVersion', 'kind', 'metadata']);
  const fields = Object.entries(obj as unknown as Record<string, unknown>).filter(([k]) => !skip.has(k));
  return (
    <section data-testid="cr-section">
      {table && <PrinterColumns table={table} />}
      <h3>Fields</h3>
      <div className="muted small" style={{ marginBottom: 4 }}>
        {root?.description ? `${obj.kind}: ${root.description} ` : ''}Served by the CRD {crd.metadata.name}.
      </div>
      {fields.map(([k, v]) => (
        <FieldTree key={k} name={k} value={v} schema={schemaAt(root, [k])} />
      ))}
    </section>
  );
}
