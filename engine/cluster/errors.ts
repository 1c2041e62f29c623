import { UnavailableError } from '../store/types';

/**
 * A failure the user can act on. The CLI prints it as one line, `skiff: <what>; <fix>`,
 * and the app shows the same two parts; neither ever shows a stack trace for it.
 */
export class SkiffError extends Error {
  constructor(
    readonly what: string,
    readonly fix: string,
  ) {
    super(`${what}; ${fix}`);
    this.name = 'SkiffError';
  }
}

/** Node's error code (ENOENT, EACCES, EADDRINUSE, ...) when there is one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns a filesystem failure under the data dir into a SkiffError; rethrows anything else. */
export function dataDirError(err: unknown, path: string): never {
  const code = errorCode(err);
  if (code && ['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'EEXIST', 'ENOSPC', 'EISDIR'].includes(code)) {
    throw new SkiffError(`cannot use data dir ${path} (${code})`, 'fix its permissions or choose another with --data-dir DIR');
  }
  throw err;
}

/** The first line of an error's message (enough for a one-line report). */
export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

/** Why the store did not open, in words, with the flag that fixes it. */
export function storeError(err: unknown, dbPath: string, etcdEndpoints: string[] | undefined): never {
  const reason = errorCode(err) ?? firstLine(err);
  if (etcdEndpoints) {
    if (err instanceof UnavailableError || (err as Error)?.name === 'UnavailableError') {
      throw new SkiffError(`cannot reach etcd at ${etcdEndpoints.join(',')}`, 'start etcd there, or pass --etcd-endpoints URL[,URL]');
    }
    throw new SkiffError(
      `cannot open the etcd store at ${etcdEndpoints.join(',')} (${reason})`,
      'check that etcd is healthy and --etcd-endpoints is right',
    );
  }
  throw new SkiffError(
    `cannot open the sqlite store ${dbPath} (${reason})`,
    'fix the data dir permissions, or choose another with --data-dir DIR',
  );
}
