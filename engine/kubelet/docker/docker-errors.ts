// How the runtime reads Docker's answers: error status codes and its zero-time timestamps.

const statusOf = (e: unknown) => (e as { statusCode?: number } | null | undefined)?.statusCode;

export const notFound = (e: unknown) => statusOf(e) === 404;

/** For removals: gone already (404), or Docker is already removing it (409, another path got there first). */
export const ignoreGone = (e: unknown) => {
  if (!notFound(e) && statusOf(e) !== 409) throw e;
};

/** Docker reports "0001-01-01T00:00:00Z" for times that never happened. */
export const dockerDate = (s?: string) => (s && !s.startsWith('0001-') ? new Date(s) : undefined);
