// Kubernetes' CEL url library (library/urls.go): url() and isURL() accept what Go's
// url.ParseRequestURI accepts (an absolute URI or an absolute path); the getters read the parts
// url.Parse finds.
import { CelEvalError } from './errors';
import { escapedPath, hostname, parseUrl, parseQuery, port, type ParsedUrl } from './url-parse';
import { as, perChar, str, type CelLibrary } from './support';
import { CelMap, CelObject, type CelValue } from './values';

export class URL extends CelObject {
  readonly celType = 'kubernetes.URL';
  constructor(
    readonly text: string,
    readonly u: ParsedUrl,
  ) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof URL && o.text === this.text;
  }
  override toString(): string {
    return this.text;
  }
}

function toUrl(s: string): URL {
  try {
    parseUrl(s, true);
    return new URL(s, parseUrl(s, false));
  } catch (e) {
    throw new CelEvalError(`URL parse error during conversion from string: ${(e as Error).message}`);
  }
}

const get = (fn: string, pick: (u: ParsedUrl) => CelValue) => ({ 'kubernetes.URL': (a: CelValue[]) => pick(as(URL, fn, a, 0).u) });

export const urlLibrary: CelLibrary = {
  globals: {
    url: (a, c) => (perChar(c, a[0]), toUrl(str('url', a, 0))),
    isURL: (a, c) => {
      perChar(c, a[0]);
      try {
        parseUrl(str('isURL', a, 0), true);
        return true;
      } catch (e) {
        if (e instanceof CelEvalError) throw e;
        return false;
      }
    },
  },
  globalArity: { url: [1], isURL: [1] },
  members: {
    getScheme: get('getScheme', (u) => u.scheme),
    getHost: get('getHost', (u) => u.host),
    getHostname: get('getHostname', hostname),
    getPort: get('getPort', port),
    getEscapedPath: get('getEscapedPath', escapedPath),
    getQuery: get('getQuery', (u) => {
      const m = new CelMap();
      for (const [k, v] of parseQuery(u.rawQuery)) m.set(k, v);
      return m;
    }),
  },
  memberArity: { getScheme: [0], getHost: [0], getHostname: [0], getPort: [0], getEscapedPath: [0], getQuery: [0] },
};
