// App routes: where the user is (profile, namespace, kind, object) as a URL fragment, so a
// reload, back and forward, and a saved workspace all land on the same view. Formats:
//   /start                                    first run / new cluster
//   /c/<profile>[?ns=<ns>]                    the profile's overview
//   /c/<profile>/<group|core>/<plural>[/<object namespace|_>/<name>][?ns=<ns>]
//   /c/<profile>/helm[/<namespace>/<release>][?ns=<ns>]   Helm releases (3 or 5 segments: never a list's 4 or 6)
//   /c/<profile>/map[/<group|core>/<plural>/<object namespace|_>/<name>][?ns=<ns>]   the resource map (3 or 7 segments)
// Every segment is percent-encoded (context names may hold '/' or ':').

export interface RouteLoc {
  view: 'start' | 'overview' | 'list' | 'helm' | 'map';
  profile?: string;
  /** The namespace filter ('' = all namespaces). */
  namespace: string;
  /** list (and map, with object: the open panel's kind): the kind's API group ('' = core) and plural resource name. */
  group?: string;
  plural?: string;
  /** list: the selected object. */
  object?: { namespace: string; name: string };
  /** helm: the selected release. */
  release?: { namespace: string; name: string };
}

const enc = encodeURIComponent;

export function formatRoute(loc: RouteLoc): string {
  if (loc.view === 'start' || !loc.profile) return '/start';
  let path = `/c/${enc(loc.profile)}`;
  if (loc.view === 'helm') {
    path += '/helm';
    if (loc.release) path += `/${enc(loc.release.namespace)}/${enc(loc.release.name)}`;
  } else if (loc.view === 'map') {
    path += '/map';
    if (loc.plural && loc.object)
      path += `/${loc.group ? enc(loc.group) : 'core'}/${enc(loc.plural)}/${loc.object.namespace ? enc(loc.object.namespace) : '_'}/${enc(loc.object.name)}`;
  } else if (loc.view === 'list' && loc.plural) {
    path += `/${loc.group ? enc(loc.group) : 'core'}/${enc(loc.plural)}`;
    if (loc.object) path += `/${loc.object.namespace ? enc(loc.object.namespace) : '_'}/${enc(loc.object.name)}`;
  }
  return loc.namespace ? `${path}?ns=${enc(loc.namespace)}` : path;
}

/** The route in a URL fragment (with or without '#'), or undefined when it is not one. */
export function parseRoute(text: string): RouteLoc | undefined {
  const raw = text.startsWith('#') ? text.slice(1) : text;
  const [path, query = ''] = raw.split('?', 2);
  let parts: string[];
  try {
    parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
  } catch {
    return undefined; // bad percent-encoding
  }
  const namespace = new URLSearchParams(query).get('ns') ?? '';
  if (parts.length === 1 && parts[0] === 'start') return { view: 'start', namespace: '' };
  if (parts[0] !== 'c' || !parts[1]) return undefined;
  const profile = parts[1];
  if (parts.length === 2) return { view: 'overview', profile, namespace };
  if (parts[2] === 'helm' && (parts.length === 3 || parts.length === 5))
    return { view: 'helm', profile, namespace, ...(parts.length === 5 ? { release: { namespace: parts[3], name: parts[4] } } : {}) };
  if (parts[2] === 'map' && (parts.length === 3 || parts.length === 7)) {
    if (parts.length === 3) return { view: 'map', profile, namespace };
    const [group, plural, ns, name] = parts.slice(3);
    return {
      view: 'map',
      profile,
      namespace,
      group: group === 'core' ? '' : group,
      plural,
      object: { namespace: ns === '_' ? '' : ns, name },
    };
  }
  if (parts.length !== 4 && parts.length !== 6) return undefined;
  const loc: RouteLoc = { view: 'list', profile, namespace, group: parts[2] === 'core' ? '' : parts[2], plural: parts[3] };
  if (parts.length === 6) loc.object = { namespace: parts[4] === '_' ? '' : parts[4], name: parts[5] };
  return loc;
}
