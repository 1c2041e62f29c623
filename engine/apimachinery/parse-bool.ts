// Booleans in query parameters, spelled as Go's strconv.ParseBool accepts them (kube-apiserver's
// clients send `True`, `t`, `1`...: the Python client writes Python's `str(True)`).

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** true/false for the twelve spellings ParseBool accepts; undefined for anything else. */
export function parseBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}
