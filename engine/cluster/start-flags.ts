// Each option of a cluster start described once: its `skiff start` flag, the value it takes, its
// help, and how a start option becomes that flag for the `skiff start --foreground` child
// (cluster-spawn.ts). The CLI parses the same names (engine/cli/args.ts) and prints this help
// (engine/cli/usage.ts). In the order the help lists them.
import type { StartOptions } from './cluster-spawn';

export interface StartFlag {
  /** The flag without its dashes. */
  name: string;
  /** What it takes, as the help shows it (absent: a switch). */
  value?: string;
  /** The help's description, one entry per line. */
  help: readonly string[];
  /** This flag for the child, from the start options ([] when unset). `ownKubeconfig`: the cluster's own file. */
  argv?(o: StartOptions, ownKubeconfig: string): string[];
}

const given = (flag: string, v: string | number | undefined) => (v === undefined || v === '' ? [] : [`--${flag}`, String(v)]);
/** A duration flag's value; unset (or 0) gives none. */
const ms = (v: number | undefined) => (v ? `${v}ms` : undefined);

export const START_FLAGS = [
  {
    name: 'port',
    value: 'N',
    help: ["API server port on 127.0.0.1 (default: the cluster's last port, else any free one)"],
    argv: (o) => given('port', o.port),
  },
  {
    name: 'ingress-port',
    value: 'N',
    help: ["the ingress's HTTP port on 127.0.0.1 (default: the cluster's last one, else 80,", 'else 8080-8099)'],
    argv: (o) => given('ingress-port', o.ingressPort),
  },
  {
    name: 'ingress-https-port',
    value: 'N',
    help: ['likewise for HTTPS (default: the last one, else 443, else 8443-8462)'],
    argv: (o) => given('ingress-https-port', o.ingressHttpsPort),
  },
  {
    name: 'kubeconfig',
    value: 'FILE',
    help: ['write the kubeconfig to FILE and touch no other kubeconfig'],
    argv: (o, own) => given('kubeconfig', o.kubeconfig.update ? o.kubeconfig.file : own),
  },
  {
    name: 'no-switch-context',
    help: ['add the context to your kubeconfig without making it current'],
    argv: (o) => (!o.kubeconfig.update || o.kubeconfig.switchContext === false ? ['--no-switch-context'] : []),
  },
  {
    name: 'datastore',
    value: 'sqlite|etcd',
    help: ['where the cluster state lives (default sqlite)'],
    argv: (o) => given('datastore', o.datastore),
  },
  {
    name: 'etcd-endpoints',
    value: 'URL[,URL]',
    help: ['etcd to use (implies --datastore etcd; default http://127.0.0.1:2379)'],
    argv: (o) => given('etcd-endpoints', o.etcdEndpoints?.join(',')),
  },
  {
    name: 'nodes',
    value: 'N',
    help: ['nodes to run (default 1; created when missing)'],
    argv: (o) => given('nodes', o.nodes),
  },
  {
    name: 'node-runtime',
    value: 'docker|simulated',
    help: ['Docker containers (default when Docker answers) or simulated nodes (kwok-style)'],
    argv: (o) => given('node-runtime', o.nodeRuntime),
  },
  {
    name: 'sandbox-image',
    value: 'IMAGE',
    help: ["pod sandbox image for Docker nodes (default: Skiff's own, built locally with no", 'registry; also SKIFF_SANDBOX_IMAGE)'],
    argv: (o) => given('sandbox-image', o.sandboxImage),
  },
  {
    name: 'pod-security',
    value: 'privileged|baseline|restricted',
    help: [
      'Pod Security enforced on namespaces without pod-security.kubernetes.io labels',
      '(default baseline, kept for later starts; kube-system is exempt)',
    ],
    argv: (o) => given('pod-security', o.podSecurity),
  },
  {
    name: 'lb-port-range',
    value: 'LOW-HIGH',
    help: [
      'host ports (127.0.0.1) LoadBalancer Services may take (default 1025-65535,',
      'kept for later starts); others get a HostPortUnavailable warning',
    ],
    argv: (o) => given('lb-port-range', o.lbPortRange),
  },
  {
    name: 'audit-policy',
    value: 'FILE|default|none',
    help: [
      'write an API audit log (audit.k8s.io/v1 Events) to <cluster dir>/audit.log',
      'under this Policy (kept for later starts; default: none)',
    ],
    argv: (o) => given('audit-policy', o.auditPolicy),
  },
  {
    name: 'pki-from',
    value: 'DIR',
    help: [
      "another instance's <data-dir>/<name>/pki: share its CA, service-account key",
      'and admin credentials (a second control-plane instance over the same etcd)',
    ],
    argv: (o) => given('pki-from', o.pkiFrom),
  },
  {
    name: 'leader-elect-lease-duration',
    value: 'D',
    help: ['etcd: Lease timings of the scheduler and controllers (default 15s; also'],
    argv: (o) => given('leader-elect-lease-duration', ms(o.leaderElection?.leaseDurationMs)),
  },
  {
    name: 'leader-elect-renew-deadline',
    value: 'D',
    help: ["-renew-deadline 10s, -retry-period 2s, as kube-controller-manager's);"],
    argv: (o) => given('leader-elect-renew-deadline', ms(o.leaderElection?.renewDeadlineMs)),
  },
  {
    name: 'leader-elect-retry-period',
    value: 'D',
    help: ['kept for later starts'],
    argv: (o) => given('leader-elect-retry-period', ms(o.leaderElection?.retryPeriodMs)),
  },
  {
    name: 'advertise-address',
    value: 'IP',
    help: [
      'also listen on this address of the machine, so other machines can join',
      '(kept for later starts; 127.0.0.1 returns to loopback only)',
    ],
    argv: (o) => given('advertise-address', o.advertiseAddress),
  },
  // The CLI's own: the spawned child always gets it (cluster-spawn.ts).
  { name: 'foreground', help: ['run in this terminal; Ctrl+C stops the cluster'] },
] as const satisfies readonly StartFlag[];

export type StartFlagName = (typeof START_FLAGS)[number]['name'];

/** The help's lines for these flags: the flag and its value, then the description in one column. */
export function startFlagsHelp(flags: readonly StartFlag[] = START_FLAGS): string {
  const column = 34;
  const indent = ' '.repeat(column + 2);
  const lines: string[] = [];
  for (const f of flags) {
    const left = `--${f.name}${f.value ? ` ${f.value}` : ''}`;
    const [first, ...rest] = f.help;
    if (left.length < column) lines.push(`  ${left.padEnd(column)}${first}`);
    else lines.push(`  ${left}`, `${indent}${first}`);
    for (const r of rest) lines.push(`${indent}${r}`);
  }
  return lines.join('\n');
}
