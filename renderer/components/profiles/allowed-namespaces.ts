// Parsing the namespace allow-list a user types (for users who may not list namespaces).
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function parseNamespaceList(text: string): { namespaces: string[] } | { problem: string } {
  const names = [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  const bad = names.filter((n) => n.length > 63 || !NAME.test(n));
  if (bad.length) {
    return {
      problem: `${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is not a namespace name' : 'are not namespace names'}: lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit`,
    };
  }
  return { namespaces: names };
}
