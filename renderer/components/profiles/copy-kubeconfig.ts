// "Copy kubeconfig": the host's kubeconfig for one profile onto the clipboard, or saved as a
// file when the clipboard cannot be written (no permission, an insecure origin, an old browser).
import type { HostClient } from '../../host/host-client';

export interface ClipboardWindow {
  navigator: { clipboard?: { writeText(text: string): Promise<void> } };
  document: Document;
  URL: { createObjectURL(b: Blob): string; revokeObjectURL(u: string): void };
  setTimeout(fn: () => void, ms: number): unknown;
}

export async function copyKubeconfig(
  host: Pick<HostClient, 'profileKubeconfig'>,
  profile: string,
  win: ClipboardWindow,
): Promise<'copied' | 'downloaded'> {
  const text = await host.profileKubeconfig(profile);
  try {
    if (!win.navigator.clipboard) throw new Error('no clipboard');
    await win.navigator.clipboard.writeText(text);
    return 'copied';
  } catch {
    const url = win.URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    const a = win.document.createElement('a');
    a.href = url;
    a.download = `${profile.replace(/[^A-Za-z0-9._-]+/g, '_') || 'profile'}.kubeconfig`;
    win.document.body.appendChild(a);
    a.click();
    a.remove();
    win.setTimeout(() => win.URL.revokeObjectURL(url), 10_000); // after the download started
    return 'downloaded';
  }
}

/** The toast after copying. */
export function copiedText(profile: string, how: 'copied' | 'downloaded'): string {
  return how === 'copied'
    ? `Copied a kubeconfig for ${profile} (this profile only, credentials included): keep it private`
    : `Saved ${profile}.kubeconfig (the clipboard was not available): it holds credentials, keep it private`;
}
