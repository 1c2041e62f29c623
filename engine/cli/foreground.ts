// `skiff start --foreground`: runs the control plane in this process until SIGINT/SIGTERM.
// The detached mode is this same code in a child whose output goes to skiff.log.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startControlPlane } from '../cluster/control-plane';
import { dataDirError, SkiffError } from '../cluster/errors';
import { clusterPaths, defaultDataDir } from '../cluster/paths';
import type { Flags } from './args';
import type { CliIo } from './io';
import { claimPidFile, releasePidFile } from '../cluster/pid-file';
import { KUBECONFIG_BY_PARENT_ENV, sendToParent } from '../cluster/child-protocol';
import { stopDockerContainers } from '../cluster/stop-containers';
import { howToUse, nameFlag, version } from './usage';
import { watchLogSize } from '../cluster/log-rotation';
import { createStartTrace, noTrace, traceWanted } from '../cluster/start-trace';

const STOP_DEADLINE_MS = 15_000;

export async function runForeground(flags: Flags, io: CliIo): Promise<number> {
  const dataDir = flags.dataDir ?? defaultDataDir(io.env);
  const paths = clusterPaths(dataDir, flags.name);
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    dataDirError(err, dataDir);
  }
  const other = claimPidFile(paths.pid);
  if (other !== undefined) {
    throw new SkiffError(
      `cluster "${flags.name}" is already running (pid ${other})`,
      `stop it first with "skiff stop${nameFlag(flags.name)}"`,
    );
  }
  // Signals that arrive while starting are handled once the control plane can be stopped.
  let signalled: NodeJS.Signals | undefined;
  let onSignal: (sig: NodeJS.Signals) => void = (sig) => (signalled = sig);
  const handler = (sig: NodeJS.Signals) => onSignal(sig);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  // Detached, our output is skiff.log (cluster-spawn.ts): keep it bounded while we run.
  const stopRotating = process.send ? watchLogSize(paths.log, { onError: (e) => io.err(`skiff.log rotation: ${e.message}`) }) : () => {};
  // SKIFF_TRACE=start: each phase's line goes to the log and to whoever started us.
  const trace = traceWanted(io.env, 'start')
    ? createStartTrace((line) => {
        io.out(line);
        void sendToParent({ type: 'trace', line });
      })
    : noTrace;
  // The ingress's certificates are made once the command has returned, not while it waits.
  let toldReady!: () => void;
  const backgroundAfter = new Promise<void>((resolve) => (toldReady = resolve));
  try {
    trace.mark('process started; main running');
    io.out(
      `skiff ${version()}: starting cluster "${flags.name}" (pid ${process.pid}, ${new Date().toISOString()}, process up ${Math.round(performance.now())} ms)`,
    );
    const cp = await startControlPlane({
      name: flags.name,
      dataDir,
      port: flags.port,
      ingressPort: flags.ingressPort,
      ingressHttpsPort: flags.ingressHttpsPort,
      datastore: flags.datastore,
      etcdEndpoints: flags.etcdEndpoints,
      nodes: flags.nodes,
      nodeRuntime: flags.nodeRuntime,
      sandboxImage: flags.sandboxImage ?? io.env.SKIFF_SANDBOX_IMAGE,
      podSecurity: flags.podSecurity,
      lbPortRange: flags.lbPortRange,
      auditPolicy: flags.auditPolicy,
      pkiFrom: flags.pkiFrom,
      leaderElection: flags.leaderElection,
      advertiseAddress: flags.advertiseAddress,
      log: io.out,
      trace,
      backgroundAfter,
      onStep: (step, detail) => {
        io.out(`  ${step.padEnd(11)} ${detail ?? ''}`);
        void sendToParent({ type: 'step', step, detail });
      },
      onApiReady: (url) => void sendToParent({ type: 'api', url }),
    });
    const own = flags.kubeconfig !== undefined && resolve(flags.kubeconfig) === resolve(paths.kubeconfig);
    // A parent that merges the user's kubeconfig itself gets what to merge, and lets go once it
    // has (its write of cluster.json first, then ours): its idle core loads the YAML library.
    const parentMerges = !own && io.env[KUBECONFIG_BY_PARENT_ENV] === '1' && process.connected;
    if (parentMerges) {
      io.out(`ready at ${cp.url}`);
      trace.mark('ready: told the parent');
      // It may instead stop us (it could not write the file): a signal ends the wait too.
      const letGo = new Promise<void>((resolve) => {
        process.once('disconnect', () => resolve());
        onSignal = (sig) => {
          signalled = sig;
          resolve();
        };
      });
      await sendToParent({
        type: 'ready',
        url: cp.url,
        merge: { entries: cp.kubeconfig, file: flags.kubeconfig, switchContext: flags.switchContext },
      });
      if (process.connected) await letGo;
    } else {
      let kubeconfig;
      try {
        // With the YAML library (the user's kubeconfig is merged, comments kept): loaded only now.
        // The app names the cluster's own file, which the start has written already: nothing to
        // merge, so the YAML library stays unloaded.
        kubeconfig = own
          ? { file: paths.kubeconfig, explicit: true, switched: true, written: false }
          : await trace.span('kubeconfig export', async () =>
              (await import('../cluster/export-kubeconfig')).exportKubeconfig(
                cp.kubeconfig,
                { file: flags.kubeconfig, switchContext: flags.switchContext },
                io.env,
                paths.config,
              ),
            );
      } catch (err) {
        await cp.stop().catch(() => {});
        throw err;
      }
      io.out(`ready at ${cp.url}`);
      for (const line of howToUse(flags.name, kubeconfig, paths.kubeconfig)) io.out(line);
      trace.mark('ready: told the parent');
      await sendToParent({ type: 'ready', url: cp.url, kubeconfig });
    }
    toldReady();

    const sig = await new Promise<NodeJS.Signals>((resolve) => {
      onSignal = resolve;
      if (signalled) resolve(signalled);
    });
    io.out(`${sig}: stopping cluster "${flags.name}"`);
    // A stuck close must not keep a stopped cluster's process around forever.
    setTimeout(() => {
      io.err(`skiff: cluster "${flags.name}" did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    await cp.stop();
    const containers = await stopDockerContainers(paths.dir, flags.name);
    io.out(containers ? `stopped (and its ${containers} container(s))` : 'stopped');
    return 0;
  } catch (err) {
    const message = err instanceof SkiffError ? err.message : String((err as Error)?.message ?? err).split('\n')[0];
    await sendToParent({ type: 'error', message });
    throw err;
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    stopRotating();
    releasePidFile(paths.pid);
    if (process.connected) process.disconnect?.();
  }
}
