// Kubeconfig files dropped on the window (or picked in a file input): read in the browser and
// sent as text, since a web page never learns a dropped file's path. Stored as a sealed copy.
import type { ProfileSource } from '../../../electron/host/protocol';
import type { HostClient } from '../../host/host-client';
import { errorText } from '../../k8s/errors';
import { MAX_KUBECONFIG_BYTES } from './import-request';

export interface FileLike {
  name: string;
  size: number;
  text(): Promise<string>;
}

export interface ImportFilesResult {
  imported: ProfileSource[];
  /** "<file name>: <why>" for each file that was not imported. */
  failed: string[];
}

export async function importFiles(host: Pick<HostClient, 'addProfileSource'>, files: FileLike[]): Promise<ImportFilesResult> {
  const out: ImportFilesResult = { imported: [], failed: [] };
  for (const f of files) {
    if (f.size > MAX_KUBECONFIG_BYTES) {
      out.failed.push(`${f.name}: larger than 4 MiB, not a kubeconfig?`);
      continue;
    }
    try {
      const text = await f.text();
      out.imported.push(await host.addProfileSource({ text, label: f.name }));
    } catch (e) {
      out.failed.push(`${f.name}: ${errorText(e)}`);
    }
  }
  return out;
}

/** One line for a toast: what came in, and the problems the host found in it. */
export function importedText(s: ProfileSource): string {
  const n = s.profiles.length;
  const what = n ? `${n} profile${n === 1 ? '' : 's'} (${s.profiles.slice(0, 5).join(', ')}${n > 5 ? ', …' : ''})` : 'no contexts';
  const problems = s.errors.length ? `; ${s.errors.length} problem${s.errors.length === 1 ? '' : 's'} (see the sidebar)` : '';
  const how =
    s.kind === 'file' || s.kind === 'dir'
      ? ' (watched for changes)'
      : s.kind === 'copy' || s.kind === 'paste'
        ? ' (stored in Skiff, encrypted)'
        : '';
  return `Imported ${what} from ${s.label}${how}${problems}`;
}
