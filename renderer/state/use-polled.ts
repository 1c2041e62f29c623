// Polls a load function; the pause grows with what a poll costs, so a huge cluster is not
// listed back to back. Keeps the last data when a poll fails (and says why in error).
import { useEffect, useState } from 'react';

export function usePolled<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], everyMs = 10_000): { data?: T; error?: unknown } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const run = () => {
      const started = Date.now();
      load(abort.signal)
        .then(
          (data) => !abort.signal.aborted && setState({ data }),
          (error) => !abort.signal.aborted && setState((s) => ({ data: s.data, error })),
        )
        .finally(() => {
          if (!abort.signal.aborted) timer = setTimeout(run, Math.max(everyMs, 20 * (Date.now() - started)));
        });
    };
    run();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps -- the caller passes its own dependency list
  return state;
}
