// Docker's pull stream (one JSON line per layer change) summed into what a user wants to see
// while waiting: bytes downloaded of the bytes known so far, and layers done of layers seen.
// A throttle turns it into at most one report per interval, none for pulls quicker than that.

/** One line of Docker's `POST /images/create` stream. */
export interface DockerPullLine {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export interface PullProgressSummary {
  layers: number;
  layersDone: number;
  downloadedBytes: number;
  /** Sum of the sizes of layers whose download has started (later layers' sizes are not known yet). */
  totalBytes: number;
}

interface Layer {
  current: number;
  total: number;
  downloaded: boolean;
  done: boolean;
}

// Statuses that name a layer (others, like "Pulling from team/app" or "Digest: ...", do not).
const LAYER_STATUS =
  /^(Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Extracting|Pull complete|Already exists|Retrying in .*)$/;

export function createPullProgress() {
  const layers = new Map<string, Layer>();
  return {
    update(line: DockerPullLine): void {
      const status = line.status ?? '';
      if (!line.id || !LAYER_STATUS.test(status)) return;
      let l = layers.get(line.id);
      if (!l) layers.set(line.id, (l = { current: 0, total: 0, downloaded: false, done: false }));
      const d = line.progressDetail ?? {};
      if (status === 'Downloading') {
        if (d.total && d.total > 0) l.total = d.total;
        if (d.current !== undefined) l.current = d.current;
      } else if (status === 'Download complete' || status === 'Verifying Checksum' || status === 'Extracting') {
        l.downloaded = true;
      } else if (status === 'Pull complete' || status === 'Already exists') {
        l.downloaded = true;
        l.done = true;
      } else if (status.startsWith('Retrying')) {
        l.current = 0;
      }
    },
    summary(): PullProgressSummary {
      let downloadedBytes = 0,
        totalBytes = 0,
        layersDone = 0;
      for (const l of layers.values()) {
        totalBytes += l.total;
        downloadedBytes += l.downloaded ? l.total : Math.min(l.current, l.total || l.current);
        if (l.done) layersDone++;
      }
      return { layers: layers.size, layersDone, downloadedBytes, totalBytes };
    },
  };
}

/** Sizes the way `docker pull` prints them: SI units, one decimal. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n,
    i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** The progress event's message, e.g. `Pulling image "x": 1.2 MB of 3.4 MB downloaded, 1 of 2 layers done`. */
export function formatPullProgress(image: string, s: PullProgressSummary): string {
  return `Pulling image "${image}": ${formatBytes(s.downloadedBytes)} of ${formatBytes(s.totalBytes)} downloaded, ${s.layersDone} of ${s.layers} layers done`;
}

/**
 * Gate for periodic reports: the first one `everyMs` after the start (short pulls report
 * nothing), then at most one per `everyMs`, and only when the summary changed.
 */
export function createProgressThrottle(everyMs: number, startMs: number) {
  let last = startMs;
  let lastText = '';
  return (nowMs: number, text: string): boolean => {
    if (nowMs - last < everyMs || text === lastText) return false;
    last = nowMs;
    lastText = text;
    return true;
  };
}
