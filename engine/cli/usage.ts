// Help text and the "how to use it" lines shown after start.
import { readFileSync } from 'node:fs';
import { contextName } from '../cluster/kubeconfig-names';
import type { ExportedKubeconfig } from '../cluster/export-kubeconfig';

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
  --port N             API server port on 127.0.0.1 (default: the cluster's last port, else any free one)
  --ingress-port N     the ingress's HTTP port on 127.0.0.1 (default: the cluster's last one, else 80, else 8080-8099)
  --ingress-https-port N  likewise for HTTPS (default: the last one, else 443, else 8443-8462)
  --kubeconfig FILE    write the kubeconfig to FILE and touch no other kubeconfig
  --no-switch-context  add the context to your kubeconfig without making it current
  --datastore sqlite|etcd           where the cluster state lives (default sqlite)
  --etcd-endpoints URL[,URL]        etcd to use (implies --datastore etcd; default http://127.0.0.1:2379)
  --nodes N                         nodes to run (default 1; created when missing)
  --node-runtime docker|simulated   Docker containers (default when Docker answers) or simulated nodes (kwok-style)
  --sandbox-image IMAGE             pod sandbox image for Docker nodes (default: Skiff's own, built locally with no
                                    registry; also SKIFF_SANDBOX_IMAGE)
  --pod-security privileged|baseline|restricted
                                    Pod Security enforced on namespaces without pod-security.kubernetes.io labels
                                    (default baseline, kept for later starts; kube-system is exempt)
  --lb-port-range LOW-HIGH          host ports (127.0.0.1) LoadBalancer Services may take (default 1025-65535,
                                    kept for later starts); others get a HostPortUnavailable warning
  --audit-policy FILE|default|none  write an API audit log (audit.k8s.io/v1 Events) to <cluster dir>/audit.log
                                    under this Policy (kept for later starts; default: none)
  --pki-from DIR                    another instance's <data-dir>/<name>/pki: share its CA, service-account key
                                    and admin credentials (a second control-plane instance over the same etcd)
  --leader-elect-lease-duration D   etcd: Lease timings of the scheduler and controllers (default 15s; also
  --leader-elect-renew-deadline D   -renew-deadline 10s, -retry-period 2s, as kube-controller-manager's);
  --leader-elect-retry-period D     kept for later starts
  --advertise-address IP            also listen on this address of the machine, so other machines can join
                                    (kept for later starts; 127.0.0.1 returns to loopback only)
  --foreground         run in this terminal; Ctrl+C stops the cluster
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
