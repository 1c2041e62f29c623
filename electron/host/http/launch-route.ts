// Where a fresh launch opens (`skiff app --open <route>`): an app route such as
// /c/<profile>/core/pods?ns=x travels in the launch URL (?route=) and the launch redirect hands
// it to the page in the fragment beside the one-time token; the renderer puts it back as the
// URL fragment, where its router reads it. The host only checks its shape: the renderer decides
// what it means (an unknown profile or kind falls back to the usual landing).

/** Longest route accepted (a context name, a group, a plural, a namespace and a name fit easily). */
const MAX_ROUTE = 2048;

/**
 * The route in its canonical form ('/c/...', no '#'), or undefined when it is not one: it must
 * start with /c/ or be /start, and hold only printable ASCII without spaces or quotes (segments
 * are percent-encoded, so nothing else is needed and nothing else can break a header or a page).
 */
export function normalizeLaunchRoute(text: string): string | undefined {
  let route = text.trim();
  if (route.startsWith('#')) route = route.slice(1);
  if (!route.startsWith('/')) route = `/${route}`;
  if (route.length > MAX_ROUTE || !/^[\x21-\x7e]+$/.test(route) || /["'<>\\`]/.test(route)) return undefined;
  if (route !== '/start' && !route.startsWith('/start?') && !/^\/c\/[^/?]+/.test(route)) return undefined;
  return route;
}

/** The explanation for a route normalizeLaunchRoute refused (for the CLI). */
export const LAUNCH_ROUTE_HINT =
  'a route looks like /c/<profile>, /c/<profile>/core/pods?ns=<namespace> or /c/<profile>/apps/deployments/<namespace>/<name> (copy it from the address bar after "#")';
