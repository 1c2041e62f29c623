// Checks for the "Start local cluster" form (before asking the host).

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;
export const maxNodes = 10;

/** An error message, or '' when the request is fine. */
export function validateStart(name: string, nodes: number, existing: string[]): string {
  if (!dnsLabel.test(name))
    return 'The name must be lowercase letters, digits and dashes (1–32), starting and ending with a letter or digit.';
  if (existing.includes(name))
    return `A cluster named "${name}" already exists; start it from its menu in the sidebar, or pick another name.`;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > maxNodes) return `Nodes must be a whole number from 1 to ${maxNodes}.`;
  return '';
}
