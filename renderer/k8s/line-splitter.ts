// Splits a text stream into lines across chunk boundaries (watch events, log lines).

export interface LineSplitter {
  push(chunk: string): void;
  /** Emits a trailing partial line, if any. */
  flush(): void;
}

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  let rest = '';
  return {
    push(chunk) {
      if (!chunk) return;
      const text = rest + chunk;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(text.slice(start, end));
        start = nl + 1;
      }
      rest = text.slice(start);
    },
    flush() {
      if (rest) {
        const line = rest;
        rest = '';
        onLine(line);
      }
    },
  };
}

/** Reads a fetch body as text chunks until it ends or the signal aborts. */
export async function readTextStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onText(decoder.decode(value, { stream: true }));
    }
    const tail = decoder.decode();
    if (tail) onText(tail);
  } catch (e) {
    reader.cancel().catch(() => {}); // closes the HTTP stream we stop reading
    throw e;
  } finally {
    reader.releaseLock();
  }
}
