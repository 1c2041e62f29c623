// The `skiff` command. Returns the exit code; every expected failure is one stderr line
// `skiff: <what>; <how to fix>` (SKIFF_DEBUG=1 adds the stack of unexpected ones).
import { parseCommand, parseFlags } from './args';
import { SkiffError } from '../cluster/errors';
import { processIo, type CliIo } from './io';
import { HELP, version } from './usage';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const { command, rest } = parseCommand(argv);
    if (command === 'node') return await (await import('./node')).nodeCommand(rest, io);
    if (command === 'snapshot') return await (await import('./snapshot')).snapshotCommand(rest, io);
    if (command === 'token') return await (await import('./token')).tokenCommand(rest, io);
    if (command === 'sa-key') return await (await import('./sa-key')).saKeyCommand(rest, io);
    if (command === 'image') return await (await import('./image')).imageCommand(rest, io);
    if (command === 'join') return await (await import('./join')).joinCommand(rest, io);
    if (command === 'leave') return await (await import('./join')).leaveCommand(rest, io);
    const flags = parseFlags(command, rest);
    if (command === 'help' || flags.help) {
      io.out(HELP.trimEnd());
      return 0;
    }
    switch (command) {
      case 'version':
        io.out(`skiff ${version()}`);
        return 0;
      case 'start':
        if (flags.foreground) return await (await import('./foreground')).runForeground(flags, io);
        return await (await import('./start-detached')).startDetached(flags, io);
      case 'stop':
        return await (await import('./lifecycle')).stopCommand(flags, io);
      case 'status':
        return await (await import('./lifecycle')).statusCommand(flags, io);
      case 'delete':
        return await (await import('./lifecycle')).deleteCommand(flags, io);
      case 'kubeconfig':
        return (await import('./lifecycle')).kubeconfigCommand(flags, io);
    }
  } catch (err) {
    if (err instanceof SkiffError) {
      io.err(`skiff: ${err.message}`);
    } else {
      const msg = String((err as Error)?.message ?? err).split('\n')[0];
      io.err(`skiff: ${msg}; this looks like a bug: rerun with SKIFF_DEBUG=1 and report the output`);
      if (io.env.SKIFF_DEBUG) io.err(String((err as Error)?.stack ?? err));
    }
    return 1;
  }
  return 0;
}
