// Where a followed log resumes after its stream drops or ends: the API's sinceTime has whole
// seconds (and servers differ in precision), so the next read starts at the last line's second
// and this cursor drops what was already shown — lines before the last timestamp, and as many
// lines at that exact timestamp as were seen — so nothing repeats and nothing is skipped.

/** "…:05Z" and "…:05.5Z" → "…:05.500000000Z": timestamps compare as strings only once fixed. */
export function timestampKey(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : ts;
}

export interface ResumeCursor {
  /** The sinceTime for the next read (whole seconds), or undefined before any line. */
  sinceTime(): string | undefined;
  /** A new read begins: its first lines repeat what was shown up to the last timestamp. */
  begin(): void;
  /** Whether a line with this timestamp is new (and then it becomes the last one seen). */
  accept(ts: string): boolean;
}

export function createResumeCursor(): ResumeCursor {
  let lastKey = '';
  let lastTs = '';
  let seenAtLast = 0; // lines received with timestamp lastKey
  let skipKey = '';
  let toSkip = 0; // lines at skipKey the current read will repeat
  return {
    sinceTime: () => (lastTs ? lastTs.replace(/\.\d+Z$/, 'Z') : undefined),
    begin() {
      skipKey = lastKey;
      toSkip = seenAtLast;
    },
    accept(ts) {
      const key = timestampKey(ts);
      if (skipKey) {
        if (key < skipKey) return false;
        if (key === skipKey && toSkip > 0) {
          toSkip--;
          return false;
        }
        skipKey = ''; // past the repeated part: everything from here is new
      }
      if (key === lastKey) seenAtLast++;
      else {
        lastKey = key;
        lastTs = ts;
        seenAtLast = 1;
      }
      return true;
    },
  };
}
