// Rewrites the URL attributes of an HTML page served through a proxy subresource (upstream's
// rewriteHTML over golang.org/x/net/html, with its table of tags and attributes). A small
// scanner, not a full parser: comments, doctypes and the text of script/style elements are
// copied untouched; in each start tag only the listed attributes' values are replaced, the
// rest of the markup is kept byte for byte.
const URL_ATTRS: Record<string, string[]> = {
  a: ['href'],
  applet: ['codebase'],
  area: ['href'],
  audio: ['src'],
  base: ['href'],
  blockquote: ['cite'],
  body: ['background'],
  button: ['formaction'],
  command: ['icon'],
  del: ['cite'],
  embed: ['src'],
  form: ['action'],
  frame: ['longdesc', 'src'],
  head: ['profile'],
  html: ['manifest'],
  iframe: ['longdesc', 'src'],
  img: ['longdesc', 'src', 'usemap'],
  input: ['src', 'usemap', 'formaction'],
  ins: ['cite'],
  link: ['href'],
  object: ['classid', 'codebase', 'data', 'usemap'],
  q: ['cite'],
  script: ['src'],
  source: ['src'],
  video: ['poster', 'src'],
};
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/y;

const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e] ?? m);
const encodeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** `html` with each URL attribute of the listed tags passed through `rewrite`. */
export function rewriteHtmlLinks(html: string, rewrite: (url: string) => string): string {
  let out = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    out += html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      const stop = end < 0 ? html.length : end + 3;
      out += html.slice(lt, stop);
      i = stop;
      continue;
    }
    const name = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!name) {
      out += '<';
      i = lt + 1;
      continue;
    }
    const tag = name[1].toLowerCase();
    const { text, end } = rewriteTag(html, lt + name[0].length, URL_ATTRS[tag], rewrite);
    out += name[0] + text;
    i = end;
    if (RAW_TEXT.has(tag)) {
      const close = html.toLowerCase().indexOf(`</${tag}`, i);
      const stop = close < 0 ? html.length : close;
      out += html.slice(i, stop);
      i = stop;
    }
  }
  return out + html.slice(i);
}

/** The attributes of one start tag from `from` to its `>`, with URL attributes rewritten. */
function rewriteTag(
  html: string,
  from: number,
  attrs: string[] | undefined,
  rewrite: (url: string) => string,
): { text: string; end: number } {
  let out = '';
  let i = from;
  while (i < html.length) {
    const c = html[i];
    if (c === '>') return { text: out + '>', end: i + 1 };
    if (/[\s/]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    ATTR.lastIndex = i;
    const m = ATTR.exec(html);
    if (!m) {
      out += c;
      i++;
      continue;
    }
    const [whole, key, rawValue] = m;
    if (rawValue !== undefined && attrs?.includes(key.toLowerCase())) {
      const quoted = rawValue[0] === '"' || rawValue[0] === "'";
      const value = decodeEntities(quoted ? rawValue.slice(1, -1) : rawValue);
      const next = rewrite(value);
      out += next === value ? whole : `${key}="${encodeAttr(next)}"`;
    } else {
      out += whole;
    }
    i += whole.length;
  }
  return { text: out, end: i };
}
