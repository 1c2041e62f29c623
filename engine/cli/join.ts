// `skiff join https://<ip>:<port> --token <id.secret> --discovery-token-ca-cert-hash sha256:<hash>
// [--name N] [--labels k=v,...]`: this machine becomes a node of that cluster and runs its node
// agent in the foreground until stopped (Ctrl-C, or `skiff leave` from another shell); with
// --detach, in the background (join-detached.ts).
// `skiff leave`: stops the agent, deletes the Node, removes its containers and certificate.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { SkiffError } from '../cluster/errors';
import { defaultDataDir } from '../cluster/paths';
import type { CliIo } from './io';

export const JOIN_HELP = `Usage: skiff join https://<ip>:<port> --token <id.secret> --discovery-token-ca-cert-hash sha256:<hash> [--name NODE] [--labels k=v,...] [--data-dir DIR] [--detach]
       skiff leave [--data-dir DIR]

  --detach runs the agent in the background once its node is Ready (pid and log in <data dir>/node/).

  On the first machine, "skiff token create --print-join-command" prints the whole command.`;

export async function joinCommand(argv: string[], io: CliIo): Promise<number> {
  const f: Record<string, string> = {};
  const positional: string[] = [];
  let detach = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') {
      io.out(JOIN_HELP);
      return 0;
    }
    if (argv[i] === '--detach') {
      detach = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      positional.push(argv[i]);
      continue;
    }
    if (!['token', 'discovery-token-ca-cert-hash', 'name', 'labels', 'data-dir'].includes(m[1]))
      throw new SkiffError(`unknown flag --${m[1]} for "skiff join"`, 'run "skiff join --help" for usage');
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new SkiffError(`--${m[1]} needs a value`, `write --${m[1]} VALUE`);
    f[m[1]] = v;
  }
  const [url] = positional;
  if (!url || !/^https:\/\/[^/]+$/.test(url.replace(/\/$/, '')))
    throw new SkiffError(
      url ? `"${url}" is not an API server address` : 'missing the API server address',
      'write skiff join https://<ip>:<port> ...',
    );
  if (!f.token) throw new SkiffError('missing --token', 'pass the token from "skiff token create" on the first machine');
  if (!f['discovery-token-ca-cert-hash'])
    throw new SkiffError('missing --discovery-token-ca-cert-hash', 'pass the hash "skiff token create --print-join-command" prints');
  const nodeName = (f.name ?? hostname()).toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(nodeName))
    throw new SkiffError(`invalid node name "${nodeName}"`, 'use lower-case letters, digits, "-" and "." (--name NODE)');
  const labels: Record<string, string> = {};
  for (const kv of (f.labels ?? '').split(',').filter(Boolean)) {
    const [k, v = ''] = kv.split('=');
    if (!k) throw new SkiffError(`invalid label "${kv}"`, 'write --labels key=value,key2=value2');
    labels[k] = v;
  }
  const dataDir = f['data-dir'] ? resolve(f['data-dir']) : defaultDataDir(io.env);
  const { joinCluster, waitNodeReady, nodeStateDir } = await import('../cluster/joined-node');
  if (detach) {
    const { joinDetached } = await import('./join-detached');
    const args = argv.filter((a) => a !== '--detach');
    return joinDetached({ args: f['data-dir'] ? args : [...args, '--data-dir', dataDir], stateDir: nodeStateDir(dataDir) }, io);
  }
  const t0 = performance.now();
  let onSignal: () => void = () => {};
  const stopped = new Promise<void>((r) => (onSignal = r));
  let deleted: { pods: number } | undefined;
  let expired: SkiffError | undefined;
  const joined = await joinCluster({
    url: url.replace(/\/$/, ''),
    token: f.token,
    caHash: f['discovery-token-ca-cert-hash'],
    nodeName,
    labels,
    dataDir,
    sandboxImage: io.env.SKIFF_SANDBOX_IMAGE,
    log: (line) => io.out(line),
    onStep: (s, d) => io.out(`  ✓ ${s.padEnd(11)} ${d}`),
    onNodeDeleted: (removed) => {
      deleted = removed;
      onSignal();
    },
    // Slept past its end: the agent stops (pods' containers stay) and the command fails saying why.
    onCertExpired: (err) => {
      expired = err;
      onSignal();
    },
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await waitNodeReady(joined.agent, nodeName);
    io.out(
      `Node "${nodeName}" joined ${joined.server} and is Ready (${((performance.now() - t0) / 1000).toFixed(2)} s). Running its agent; Ctrl-C or "skiff leave" stops it.`,
    );
    await stopped;
    if (expired) throw expired;
    if (deleted) {
      // Not re-registered: that would undo the deletion. Joining again is a deliberate act.
      io.err(
        `node "${nodeName}" was deleted from the cluster (kubectl delete node): its agent removed the containers of its ${deleted.pods} pod(s) and this machine's pod network, and stopped`,
      );
      io.err(
        `to add this machine back, run "skiff join" again with a fresh token (skiff token create --print-join-command on the first machine)`,
      );
      return 1;
    }
    io.out(`stopping node agent "${nodeName}"`);
    return 0;
  } finally {
    await joined.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function leaveCommand(argv: string[], io: CliIo): Promise<number> {
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const m = /^--data-dir(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new SkiffError(`unexpected argument "${argv[i]}" for "skiff leave"`, 'write skiff leave [--data-dir DIR]');
    dataDir = resolve(m[1] ?? argv[++i] ?? '.');
  }
  const { leaveCluster } = await import('../cluster/joined-node');
  const r = await leaveCluster(dataDir ?? defaultDataDir(io.env));
  io.out(`left the cluster: node "${r.nodeName}" deleted, ${r.removedContainers} container(s) removed, its certificate forgotten`);
  return 0;
}
