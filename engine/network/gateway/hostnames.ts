// Gateway API host names (pure): a listener's hostname and a route's hostnames intersect to the
// names the route serves on that listener; a leading `*.` matches one or more labels
// (`*.example.com` matches a.example.com and a.b.example.com, never example.com).

/** Whether a request host matches a route host name (exact or wildcard). */
export function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

/**
 * The host names a route serves on a listener: [] when they do not intersect; [''] for any host.
 * Upstream: a route name within the listener's wildcard keeps its own name; a route wildcard that
 * covers the listener's name narrows to the listener's.
 */
export function effectiveHostnames(listener: string | undefined, route: string[] | undefined): string[] {
  const l = listener?.toLowerCase();
  const r = (route ?? []).map((h) => h.toLowerCase());
  if (!l) return r.length ? r : [''];
  if (!r.length) return [l];
  const out = new Set<string>();
  for (const h of r) {
    if (h === l || hostMatches(l, h) || (h.startsWith('*.') && l.startsWith('*.') && h.endsWith(l.slice(1)))) out.add(h);
    else if (hostMatches(h, l) || (h.startsWith('*.') && l.startsWith('*.') && l.endsWith(h.slice(1)))) out.add(l);
  }
  return [...out];
}
