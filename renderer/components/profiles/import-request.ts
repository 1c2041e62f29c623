// The body of POST /api/profile-sources from what the import dialog holds, or why it cannot be sent.
import type { AddProfileSourceRequest } from '../../../electron/host/protocol';

export type ImportTab = 'path' | 'paste';

export interface ImportForm {
  tab: ImportTab;
  path: string;
  copy: boolean;
  text: string;
  label: string;
}

/** Files larger than this are not kubeconfigs (the host refuses them too). */
export const MAX_KUBECONFIG_BYTES = 4 << 20;

export function importRequest(f: ImportForm): { req: AddProfileSourceRequest } | { problem: string } {
  if (f.tab === 'paste') {
    if (!f.text.trim()) return { problem: 'Paste the text of a kubeconfig (YAML or JSON).' };
    if (f.text.length > MAX_KUBECONFIG_BYTES) return { problem: 'That text is larger than 4 MiB; a kubeconfig is much smaller.' };
    return { req: f.label.trim() ? { text: f.text, label: f.label.trim() } : { text: f.text } };
  }
  const path = f.path.trim();
  if (!path) return { problem: 'Type the path of a kubeconfig file or a folder of them.' };
  if (/^~/.test(path)) return { problem: `"${path}": write the full path (~ is not expanded), e.g. /home/me/.kube/config` };
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path))
    return { problem: `"${path}" is not an absolute path: write it from the root, e.g. /home/me/.kube/config` };
  return { req: f.copy ? { path, copy: true } : { path } };
}
