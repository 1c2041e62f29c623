// ConfigMap and Secret data; secret values stay hidden until revealed.
import { useState } from 'react';
import type { KubeObject } from '../../k8s/types';

function decode(b64: string): string {
  try {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `(binary, ${Math.floor((b64.length * 3) / 4)} bytes)`;
  }
}

export function DataSection({ obj }: { obj: KubeObject }) {
  const secret = obj.kind === 'Secret';
  const [shown, setShown] = useState<Record<string, boolean>>({});
  const data: Record<string, string> = obj.data ?? {};
  const keys = Object.keys(data);
  return (
    <section data-testid="data-section">
      <h3>Data ({keys.length})</h3>
      {secret && obj.type && <div className="muted small">type {obj.type}</div>}
      {keys.map((k) => (
        <div key={k} className="card">
          <div className="row-flex">
            <strong className="mono">{k}</strong>
            <span className="spacer" />
            {secret && (
              <button className="small" data-testid="reveal" onClick={() => setShown({ ...shown, [k]: !shown[k] })}>
                {shown[k] ? 'Hide' : 'Reveal'}
              </button>
            )}
          </div>
          <pre className="mono small" style={{ whiteSpace: 'pre-wrap', margin: '6px 0 0', overflowWrap: 'anywhere' }}>
            {secret ? (shown[k] ? decode(data[k]) : '••••••••') : data[k]}
          </pre>
        </div>
      ))}
    </section>
  );
}
