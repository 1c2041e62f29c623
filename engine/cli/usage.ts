// Help text and the "how to use it" lines shown after start.
import { readFileSync } from 'node:fs';
import { contextName } from '../cluster/kubeconfig-names';
import type { ExportedKubeconfig } from '../cluster/export-kubeconfig';
import { startFlagsHelp } from '../cluster/start-flags';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const HELP = `skiff - Kubernetes in one click

Usage: skiff <command> [flags]

Commands:
  app         open the Skiff app (its window; in your browser where Electron cannot run) (skiff app --help)
  profiles    kubeconfig contexts as profiles: import, list, remove, check (skiff profiles --help)
  start       start a local cluster (in the background unless --foreground)
  stop        stop it
  status      show whether it is running and ready (exit 0 only when ready)
  delete      stop it, remove its kubeconfig entries and all of its data
  kubeconfig  print its kubeconfig
  node        add, remove, stop, start or list simulated nodes (skiff node --help)
  snapshot    save or restore every object of a cluster (skiff snapshot --help)
  token       create, list or delete tokens other machines join with (skiff token --help)
  sa-key      rotate or retire service-account token signing keys (skiff sa-key --help)
  image       load an image from this machine's Docker into joined machines' (skiff image --help)
  join        make this machine a node of a cluster elsewhere (skiff join --help)
  leave       stop this machine's node agent and forget the cluster it joined
  version     print skiff's version
  help        print this help

Flags (every command):
  --name NAME          cluster name (default "local"; kubeconfig context skiff-NAME)
  --data-dir DIR       where clusters live (default $SKIFF_HOME or ~/.skiff)

Flags (start):
${startFlagsHelp()}
`;

/** `--name x` only when x is not the default, to keep the hints short. */
export function nameFlag(name: string): string {
  return name === 'local' ? '' : ` --name ${name}`;
}

export function howToUse(name: string, exported: ExportedKubeconfig | undefined, fallbackKubeconfig: string): string[] {
  const lines: string[] = [];
  if (exported?.explicit) {
    lines.push(`Kubeconfig written to ${exported.file}.`);
    lines.push(`Try:   KUBECONFIG=${exported.file} kubectl get nodes`);
  } else if (exported) {
    const how = exported.written === false ? 'is in' : exported.switched ? 'added to' : 'added to (current context unchanged)';
    lines.push(`Context "${contextName(name)}" ${how} ${exported.file}${exported.backup ? ` (backup: ${exported.backup})` : ''}.`);
    lines.push(`Try:   kubectl --context ${contextName(name)} get nodes`);
  } else {
    lines.push(`Try:   KUBECONFIG=${fallbackKubeconfig} kubectl get nodes`);
  }
  lines.push(`Stop:  skiff stop${nameFlag(name)}`);
  return lines;
}
