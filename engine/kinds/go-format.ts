// Kubernetes validation messages embed the offending value the way Go's fmt prints it
// ("map[string]string{\"app\":\"x\"}", "v1.LabelSelector{...}"). Users paste these into
// search engines, so the text should match what a real server says.
import type { LabelSelector, LabelSelectorRequirement } from '../apimachinery/selectors';

/** A value that is already in Go syntax and must be printed as-is. */
export class GoRaw {
  constructor(readonly text: string) {}
}

export function goRaw(text: string): GoRaw {
  return new GoRaw(text);
}

/** Go's %q for a string (close enough: JSON escaping matches for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `map[string]string{"a":"1", "b":"2"}` with keys sorted, `map[string]string(nil)` for nil. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

/** `[]string{"a", "b"}`, `[]string(nil)` for nil. */
export function goStringSlice(list: string[] | undefined | null): string {
  if (list === undefined || list === null) return '[]string(nil)';
  return `[]string{${list.map((s) => goQuote(String(s))).join(', ')}}`;
}

/** How a *metav1.LabelSelector shows up in "field is immutable" errors. */
export function goLabelSelector(sel: LabelSelector | null | undefined): string {
  if (sel === undefined || sel === null) return 'null';
  const exprs: Partial<LabelSelectorRequirement>[] | null | undefined = sel.matchExpressions;
  const exprText =
    exprs === undefined || exprs === null
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${goStringSlice(e.values)}}`,
          )
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprText}}`;
}

/** Formats a bad value the way field.Error does: strings quoted, numbers and booleans bare. */
export function goValue(value: unknown): string {
  if (value instanceof GoRaw) return value.text;
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return goStringSlice(value);
  if (typeof value === 'object' && Object.values(value as object).every((v) => typeof v === 'string')) {
    return goStringMap(value as Record<string, string>);
  }
  return JSON.stringify(value);
}
