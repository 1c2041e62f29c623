// Scalar values that kube-apiserver rejects while decoding, with the error text its Go
// decoders produce: resource.Quantity, metav1.Time (time.Parse with RFC 3339) and []byte
// fields (standard base64). Each returns undefined when the value is fine.

const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;
const QUANTITY_SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);
const SUFFIX_CHARS = 'eEinumkKMGTP';

/** `raw` is the JSON text Quantity.UnmarshalJSON would see, unquoted. Follows resource.ParseQuantity's scan. */
export function quantityError(raw: string): string | undefined {
  const s = raw.trim();
  if (s === '') return QUANTITY_FORMAT_ERROR;
  let i = 0;
  const digits = () => {
    while (i < s.length && s[i] >= '0' && s[i] <= '9') i++;
  };
  if (s[i] === '+' || s[i] === '-') i++;
  digits();
  if (s[i] === '.') (i++, digits());
  const suffixStart = i;
  while (i < s.length && SUFFIX_CHARS.includes(s[i])) i++;
  if (s[i] === '+' || s[i] === '-') i++;
  digits();
  if (i < s.length) return QUANTITY_FORMAT_ERROR;
  const suffix = s.slice(suffixStart);
  if (!QUANTITY_SUFFIXES.has(suffix) && !/^[eE][-+]?\d+$/.test(suffix)) return "unable to parse quantity's suffix";
  return undefined;
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

/** Mirrors Go's time.Parse(time.RFC3339, s) closely enough to word its errors the same way. */
export function rfc3339Error(s: string): string | undefined {
  const q = JSON.stringify;
  const cannot = (valueElem: string, layoutElem: string) =>
    `parsing time ${q(s)} as ${q(RFC3339)}: cannot parse ${q(valueElem)} as ${q(layoutElem)}`;
  let v = s;
  const num = (fixed: boolean): number | undefined => {
    if (!isDigit(v, 0)) return undefined;
    const n = isDigit(v, 1) ? 2 : fixed ? 0 : 1;
    if (n === 0) return undefined;
    const out = Number(v.slice(0, n));
    v = v.slice(n);
    return out;
  };
  const literal = (lit: string) => {
    if (!v.startsWith(lit)) return cannot(v, lit);
    v = v.slice(lit.length);
    return undefined;
  };
  const field = (layoutElem: string, fixed: boolean, max: number, name: string) => {
    const at = v;
    const n = num(fixed);
    if (n === undefined) return { err: cannot(at, layoutElem) };
    if (n > max || (name === 'month' && n < 1)) return { err: `parsing time ${q(s)}: ${name} out of range` };
    return { n };
  };

  if (v.length < 4 || !/^\d{4}/.test(v)) return cannot(v, '2006');
  const year = Number(v.slice(0, 4));
  v = v.slice(4);
  let err = literal('-');
  if (err) return err;
  const month = field('01', true, 12, 'month');
  if (month.err) return month.err;
  if ((err = literal('-'))) return err;
  const day = field('02', true, 99, 'day');
  if (day.err) return day.err;
  if ((err = literal('T'))) return err;
  for (const [elem, fixed, max, name, sep] of [
    ['15', false, 23, 'hour', ':'],
    ['04', true, 59, 'minute', ':'],
    ['05', true, 59, 'second', ''],
  ] as const) {
    const r = field(elem, fixed, max, name);
    if (r.err) return r.err;
    if (sep && (err = literal(sep))) return err;
  }
  // Go accepts fractional seconds even though the layout has none.
  if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
    let n = 2;
    while (isDigit(v, n)) n++;
    v = v.slice(n);
  }
  if (v[0] === 'Z') v = v.slice(1);
  else if (v.length < 6 || v[3] !== ':' || (v[0] !== '+' && v[0] !== '-') || !/^\d\d$/.test(v.slice(1, 3)) || !/^\d\d$/.test(v.slice(4, 6)))
    return cannot(v, 'Z07:00');
  else v = v.slice(6);
  if (v) return `parsing time ${q(s)}: extra text: ${q(v)}`;
  const daysIn = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (day.n! < 1 || day.n! > daysIn[month.n! - 1]) return `parsing time ${q(s)}: day out of range`;
  return undefined;
}

const B64 = /[A-Za-z0-9+/]/;

/** Go's base64.StdEncoding.Decode error for `s`, worded as CorruptInputError prints. */
export function base64Error(s: string): string | undefined {
  const bad = (at: number) => `illegal base64 data at input byte ${at}`;
  const skipNewlines = (i: number) => {
    while (i < s.length && (s[i] === '\n' || s[i] === '\r')) i++;
    return i;
  };
  let si = 0;
  for (;;) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return bad(si - j);
      }
      const c = s[si++];
      if (B64.test(c)) continue;
      if (c === '\n' || c === '\r') {
        j--;
        continue;
      }
      if (c !== '=') return bad(si - 1);
      // Padding: only after two or three data characters, and it ends the input.
      if (j < 2) return bad(si - 1);
      if (j === 2) {
        si = skipNewlines(si);
        if (si === s.length) return bad(s.length);
        if (s[si] !== '=') return bad(si - 1);
        si++;
      }
      si = skipNewlines(si);
      return si < s.length ? bad(si) : undefined;
    }
  }
}
