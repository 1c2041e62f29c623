// HTTPRoute/GRPCRoute conflicts (pure). Upstream (GRPCRoute's hostnames field): when routes of
// the two kinds attach to one listener and their host names intersect, exactly one is accepted —
// the oldest by creationTimestamp, then the first by namespace/name — and the other gets
// `Accepted: False` on that parent. Routes of one kind never conflict with each other (precedence
// orders them).
import { effectiveHostnames } from './hostnames';
import type { RouteKind } from './gateway-types';

export interface Attachment {
  kind: RouteKind;
  /** namespace/name */
  route: string;
  created: string;
  /** Gateway key and listener index, e.g. "default/gw#0". */
  listener: string;
  /** The host names served there ('' = any). */
  hostnames: string[];
}

/** Key of an attachment in the result. */
export const attachmentKey = (a: Pick<Attachment, 'kind' | 'route' | 'listener'>) => `${a.kind} ${a.route}@${a.listener}`;

const intersect = (a: string[], b: string[]) => a.some((x) => b.some((y) => x === '' || y === '' || effectiveHostnames(x, [y]).length > 0));

/** The attachments that lose, each with the route that won over it. */
export function routeKindConflicts(all: Attachment[]): Map<string, Attachment> {
  const lost = new Map<string, Attachment>();
  const older = (a: Attachment, b: Attachment) => (a.created !== b.created ? a.created < b.created : a.route < b.route);
  const byListener = new Map<string, Attachment[]>();
  for (const a of all) byListener.set(a.listener, [...(byListener.get(a.listener) ?? []), a]);
  for (const list of byListener.values()) {
    const ordered = [...list].sort((a, b) => (older(a, b) ? -1 : older(b, a) ? 1 : 0));
    const kept: Attachment[] = [];
    for (const a of ordered) {
      const winner = kept.find((k) => k.kind !== a.kind && intersect(k.hostnames, a.hostnames));
      if (winner) lost.set(attachmentKey(a), winner);
      else kept.push(a);
    }
  }
  return lost;
}
