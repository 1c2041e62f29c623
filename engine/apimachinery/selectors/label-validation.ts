// Selector errors in Go's field.Invalid wording. The label key and value rules themselves are
// the ones object validation uses (../validation-strings.ts), since selector errors quote them.

/** Go's field.Invalid(...).Error() text: `<path>: Invalid value: <value>: <detail>`. */
export function invalidValue(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${goValue(value)}: ${detail}`;
}

function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  return String(v);
}
