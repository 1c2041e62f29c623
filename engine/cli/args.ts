// Flag parsing for the skiff command: `--flag value`, `--flag=value`, boolean switches.
// Every mistake is a SkiffError so the user gets one line saying what to change.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { formatPortRange, parsePortRange } from '../network/host-targets';
import { SkiffError } from '../cluster/errors';
import { checkClusterName } from '../cluster/paths';
import type { StartOptions } from '../cluster/lifecycle';
import { START_FLAGS, type StartFlagName } from '../cluster/start-flags';
import { UPSTREAM_TIMINGS } from '../client/leader-election';

export const COMMANDS = [
  'start',
  'stop',
  'status',
  'delete',
  'kubeconfig',
  'node',
  'snapshot',
  'token',
  'sa-key',
  'image',
  'join',
  'leave',
  'help',
  'version',
] as const;
export type Command = (typeof COMMANDS)[number];

/** The start options the cluster library takes (start-flags.ts describes them), plus the CLI's own. */
export interface Flags extends Omit<StartOptions, 'kubeconfig'> {
  name: string;
  dataDir?: string;
  /** The kubeconfig file to merge the credentials into (absent: kubectl's default). */
  kubeconfig?: string;
  foreground: boolean;
  switchContext: boolean;
  help: boolean;
}

/** `skiff start`'s flags are the cluster library's (start-flags.ts); `--name` and `--data-dir` every command takes. */
type FlagName = 'name' | 'data-dir' | 'help' | StartFlagName;
const VALUE_FLAGS: FlagName[] = ['name', 'data-dir', ...START_FLAGS.flatMap((f) => ('value' in f ? [f.name] : []))];
const BOOL_FLAGS: FlagName[] = [...START_FLAGS.flatMap((f) => ('value' in f ? [] : [f.name])), 'help'];

const ALLOWED: Record<Command, FlagName[]> = {
  start: [...VALUE_FLAGS, ...BOOL_FLAGS],
  stop: ['name', 'data-dir', 'help'],
  status: ['name', 'data-dir', 'help'],
  delete: ['name', 'data-dir', 'help'],
  kubeconfig: ['name', 'data-dir', 'help'],
  node: ['name', 'data-dir', 'help'], // parsed by node.ts (it takes positional arguments)
  snapshot: ['name', 'data-dir', 'help'], // parsed by snapshot.ts (likewise)
  token: [], // parsed by token.ts
  'sa-key': [], // parsed by sa-key.ts
  image: [], // parsed by image.ts
  join: [], // parsed by join.ts
  leave: [],
  help: ['help'],
  version: ['help'],
};

export function parseCommand(argv: string[]): { command: Command; rest: string[] } {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { command: 'help', rest };
  if (first === '--version' || first === '-v') return { command: 'version', rest };
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new SkiffError(`unknown command "${first}"`, 'run "skiff help" for the list of commands');
  }
  return { command: first as Command, rest };
}

export function parseFlags(command: Command, argv: string[]): Flags {
  const flags: Flags = { name: 'local', foreground: false, switchContext: true, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new SkiffError(`unexpected argument "${arg}" for "skiff ${command}"`, `run "skiff ${command} --help" for usage`);
    const name = m[1] as FlagName;
    if (!ALLOWED[command].includes(name)) {
      throw new SkiffError(`unknown flag --${m[1]} for "skiff ${command}"`, `run "skiff ${command} --help" for usage`);
    }
    if (seen.has(name)) throw new SkiffError(`--${name} given twice`, 'pass it once');
    seen.add(name);
    if (BOOL_FLAGS.includes(name)) {
      if (m[2] !== undefined) throw new SkiffError(`--${name} takes no value`, `write just --${name}`);
      if (name === 'foreground') flags.foreground = true;
      else if (name === 'no-switch-context') flags.switchContext = false;
      else flags.help = true;
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new SkiffError(`--${name} needs a value`, `write --${name} VALUE`);
    }
    applyValue(flags, name, value);
  }
  if (flags.etcdEndpoints && flags.datastore === 'sqlite') {
    throw new SkiffError('--etcd-endpoints needs --datastore etcd', 'drop one of the two flags');
  }
  if (flags.etcdEndpoints) flags.datastore = 'etcd';
  if (flags.leaderElection) {
    if (flags.datastore === 'sqlite') throw new SkiffError('--leader-elect-* need --datastore etcd', 'one SQLite instance elects nothing');
    const t = { ...UPSTREAM_TIMINGS, ...flags.leaderElection };
    if (!(t.renewDeadlineMs < t.leaseDurationMs))
      throw new SkiffError('--leader-elect-renew-deadline must be shorter than --leader-elect-lease-duration', 'e.g. 10s and 15s');
    if (!(t.retryPeriodMs < t.renewDeadlineMs))
      throw new SkiffError('--leader-elect-retry-period must be shorter than --leader-elect-renew-deadline', 'e.g. 2s and 10s');
  }
  return flags;
}

/** "15s", "500ms", "1m": a duration in ms. */
function parseDuration(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : NaN;
  if (!(ms >= 100 && ms <= 600_000)) throw new SkiffError(`invalid --${flag} "${value}"`, 'use a duration from 100ms to 10m, e.g. 15s');
  return Math.round(ms);
}

function applyValue(flags: Flags, name: FlagName, value: string): void {
  switch (name) {
    case 'name':
      checkClusterName(value);
      flags.name = value;
      return;
    case 'advertise-address':
      if (isIP(value) !== 4)
        throw new SkiffError(
          `invalid --advertise-address "${value}"`,
          'pass an IPv4 address of this machine (e.g. its LAN address), or 127.0.0.1 for loopback only',
        );
      flags.advertiseAddress = value;
      return;
    case 'data-dir':
      if (!value) throw new SkiffError('--data-dir is empty', 'pass a directory path');
      flags.dataDir = resolve(value);
      return;
    case 'kubeconfig':
      if (!value) throw new SkiffError('--kubeconfig is empty', 'pass a file path');
      flags.kubeconfig = resolve(value);
      return;
    case 'port': {
      const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
      if (!(port >= 0 && port <= 65535))
        throw new SkiffError(`invalid --port "${value}"`, 'use a number from 1 to 65535, or 0 for any free port');
      flags.port = port;
      return;
    }
    case 'ingress-port':
    case 'ingress-https-port': {
      const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
      if (!(port >= 0 && port <= 65535))
        throw new SkiffError(`invalid --${name} "${value}"`, 'use a number from 1 to 65535, or 0 for any free port');
      if (name === 'ingress-port') flags.ingressPort = port;
      else flags.ingressHttpsPort = port;
      return;
    }
    case 'nodes': {
      const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
      if (!(n >= 0 && n <= 5000)) throw new SkiffError(`invalid --nodes "${value}"`, 'use a number from 0 to 5000');
      flags.nodes = n;
      return;
    }
    case 'node-runtime':
      if (value !== 'simulated' && value !== 'docker') throw new SkiffError(`invalid --node-runtime "${value}"`, 'use simulated or docker');
      flags.nodeRuntime = value;
      return;
    case 'sandbox-image':
      if (!value || /\s/.test(value))
        throw new SkiffError(`invalid --sandbox-image "${value}"`, 'name a Docker image, e.g. registry.k8s.io/pause:3.10');
      flags.sandboxImage = value;
      return;
    case 'pod-security':
      if (value !== 'privileged' && value !== 'baseline' && value !== 'restricted') {
        throw new SkiffError(`invalid --pod-security "${value}"`, 'use privileged, baseline or restricted');
      }
      flags.podSecurity = value;
      return;
    case 'lb-port-range':
      try {
        flags.lbPortRange = formatPortRange(parsePortRange(value));
      } catch (e) {
        throw new SkiffError(`invalid --lb-port-range: ${(e as Error).message}`, 'e.g. --lb-port-range 8000-9000');
      }
      return;
    case 'audit-policy':
      if (!value.trim()) throw new SkiffError('invalid --audit-policy ""', 'pass a Policy file, "default" or "none"');
      flags.auditPolicy = value.trim();
      return;
    case 'pki-from':
      if (!value) throw new SkiffError('--pki-from is empty', "pass the first instance's pki directory");
      flags.pkiFrom = resolve(value);
      return;
    case 'leader-elect-lease-duration':
      flags.leaderElection = { ...flags.leaderElection, leaseDurationMs: parseDuration(name, value) };
      return;
    case 'leader-elect-renew-deadline':
      flags.leaderElection = { ...flags.leaderElection, renewDeadlineMs: parseDuration(name, value) };
      return;
    case 'leader-elect-retry-period':
      flags.leaderElection = { ...flags.leaderElection, retryPeriodMs: parseDuration(name, value) };
      return;
    case 'datastore':
      if (value !== 'sqlite' && value !== 'etcd') throw new SkiffError(`invalid --datastore "${value}"`, 'use sqlite or etcd');
      flags.datastore = value;
      return;
    case 'etcd-endpoints': {
      const urls = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const u of urls) {
        let ok = false;
        try {
          const p = new URL(u);
          ok = (p.protocol === 'http:' || p.protocol === 'https:') && !!p.hostname;
        } catch {
          ok = false;
        }
        if (!ok) throw new SkiffError(`invalid etcd endpoint "${u}"`, 'use URLs like http://127.0.0.1:2379, separated by commas');
      }
      if (urls.length === 0) throw new SkiffError('--etcd-endpoints is empty', 'use URLs like http://127.0.0.1:2379');
      flags.etcdEndpoints = urls;
      return;
    }
    default:
      return;
  }
}
