// The first list page of the view a reload lands on, asked for at boot (see primed-fetch.ts):
// the URL names the view before the host's data has loaded and React has mounted the list.
import { firstPageQuery } from '../k8s/list-watch';
import { resourcePath } from '../k8s/resources';
import type { RouteLoc } from './route';
import { findResource } from './workspace-slice';

/** The URL the list of route will ask first, for built-in kinds (others wait for discovery). */
export function firstPageUrl(
  route: RouteLoc | undefined,
  url: (profile: string, path: string, query: Record<string, string | undefined>) => string,
): string | undefined {
  if (route?.view !== 'list' || !route.profile || !route.plural) return undefined;
  const r = findResource(undefined, route.group ?? '', route.plural);
  if (!r) return undefined;
  return url(route.profile, resourcePath(r, r.namespaced ? route.namespace : ''), firstPageQuery());
}
