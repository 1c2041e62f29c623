// Header edits a route asks for (Gateway API RequestHeaderModifier / ResponseHeaderModifier):
// set replaces, add appends, remove deletes; header names compare case-insensitively (pure).

export interface HeaderEdit {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

type Headers = Record<string, string | string[]>;

/** Applies an edit to a header object keyed by raw names (as the proxy builds it). */
export function editHeaders(headers: Headers, edit: HeaderEdit | undefined): Headers {
  if (!edit) return headers;
  const out: Headers = { ...headers };
  const drop = (name: string) => {
    for (const k of Object.keys(out)) if (k.toLowerCase() === name.toLowerCase()) delete out[k];
  };
  for (const s of edit.set ?? []) {
    drop(s.name);
    out[s.name] = s.value;
  }
  for (const a of edit.add ?? []) {
    const k = Object.keys(out).find((x) => x.toLowerCase() === a.name.toLowerCase());
    if (k === undefined) out[a.name] = a.value;
    else out[k] = `${[out[k]].flat().join(',')},${a.value}`;
  }
  for (const r of edit.remove ?? []) drop(r);
  return out;
}

/** The same on a flat [name, value, name, value, ...] list (a response's raw headers). */
export function editRawHeaders(raw: string[], edit: HeaderEdit | undefined): string[] {
  if (!edit) return raw;
  const obj: Headers = {};
  for (let i = 0; i < raw.length; i += 2) {
    const have = obj[raw[i]];
    obj[raw[i]] = have === undefined ? raw[i + 1] : [have, raw[i + 1]].flat();
  }
  return Object.entries(editHeaders(obj, edit)).flatMap(([k, v]) => [v].flat().flatMap((one) => [k, one]));
}
