// The objects a release's rendered manifest creates, for the uninstall confirmation: what helm
// uninstall deletes (less those annotated helm.sh/resource-policy: keep, which helm leaves).
import { parseAllDocuments } from 'yaml';

export interface ManifestObject {
  kind: string;
  name: string;
  namespace?: string;
  /** helm.sh/resource-policy: keep — helm uninstall leaves it in place. */
  kept: boolean;
}

export function manifestObjects(manifest: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length) continue;
    const o = doc.toJS() as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> };
    } | null;
    if (!o || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') continue;
    out.push({
      kind: o.kind,
      name: o.metadata.name,
      ...(typeof o.metadata.namespace === 'string' ? { namespace: o.metadata.namespace } : {}),
      kept: o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep',
    });
  }
  return out;
}

/** Rollback's effect in words: helm writes a new revision from the chosen one's manifest and values. */
export function rollbackSummary(release: string, from: number, to: number): string {
  return `helm rollback ${release} ${to}: the objects go back to revision ${to}'s manifest and values, recorded as a new revision ${from + 1} ("Rollback to ${to}"); revision ${from} becomes superseded. The history stays.`;
}
