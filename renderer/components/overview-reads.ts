// What the overview lists, as access checks: parts the identity may not list are left out and
// named once in a note, instead of each failing with its own Forbidden error.
import { accessQuery, type Access, type AccessQuery } from '../k8s/access';
import { routingKinds, wellKnown } from '../k8s/resources';

export type OverviewPart = 'nodes' | 'pods' | 'events' | 'ingresses' | 'httproutes' | 'gateways';

export function overviewReads(namespace: string, gatewayApi: boolean): Array<{ part: OverviewPart; query: AccessQuery }> {
  return [
    { part: 'nodes' as const, query: accessQuery(wellKnown.nodes, 'list', '') },
    { part: 'pods' as const, query: accessQuery(wellKnown.pods, 'list', namespace) },
    { part: 'events' as const, query: accessQuery(wellKnown.events, 'list', namespace) },
    { part: 'ingresses' as const, query: accessQuery(routingKinds.ingresses, 'list', namespace) },
    // Gateway API only when served; its Gateways are read in every namespace (routes' parents).
    ...(gatewayApi
      ? [
          { part: 'httproutes' as const, query: accessQuery(routingKinds.httproutes, 'list', namespace) },
          { part: 'gateways' as const, query: accessQuery(routingKinds.gateways, 'list', '') },
        ]
      : []),
  ];
}

export interface OverviewAccess {
  /** true: read it; false: refused; undefined: not answered yet (read nothing until it is). */
  may: Partial<Record<OverviewPart, boolean>>;
  /** The reasons of the refused reads, for the one note. */
  refused: string[];
}

export function overviewAccess(reads: Array<{ part: OverviewPart }>, answers: Array<Access | undefined>): OverviewAccess {
  const may: OverviewAccess['may'] = {};
  const refused: string[] = [];
  reads.forEach(({ part }, i) => {
    const a = answers[i];
    may[part] = a?.allowed;
    if (a && !a.allowed) refused.push(a.reason ?? `You may not list ${part}`);
  });
  return { may, refused };
}
