// Long-running kubectl streams a user leaves open while Docker restarts: `port-forward` and
// `logs -f`, as child processes whose output and exit the test can read.
import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from '../../wait-for';

export interface KubectlStream {
  readonly proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code once kubectl has exited. */
  readonly exited: Promise<number | null>;
  running(): boolean;
  stop(): void;
}

export function kubectlStream(kubectl: string, args: string[], env: Record<string, string>): KubectlStream {
  const proc = spawn(kubectl, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    running: () => proc.exitCode === null && proc.signalCode === null,
    stop: () => void proc.kill('SIGTERM'),
  };
}

/** `kubectl port-forward <target> :<port>`; resolves with the stream and its local port. */
export async function portForward(
  kubectl: string,
  target: string,
  port: number,
  env: Record<string, string>,
): Promise<KubectlStream & { local: number }> {
  const s = kubectlStream(kubectl, ['port-forward', target, `:${port}`], env);
  const local = await waitFor(
    `kubectl port-forward ${target} listening`,
    () => {
      if (!s.running()) return Promise.reject(new Error(`kubectl port-forward exited: ${s.output()}`));
      return Promise.resolve(Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(s.output())?.[1] ?? 0));
    },
    20_000,
    50,
  );
  return Object.assign(s, { local });
}
