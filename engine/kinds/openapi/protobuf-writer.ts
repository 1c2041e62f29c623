// A minimal protocol-buffers (proto3) wire-format writer: enough to encode a document whose
// message shapes are written out by hand (see openapi-v2-proto.ts), without a .proto
// compiler or a runtime library. Proto3 rules: scalar fields at their default value
// (empty string, false, 0) are not written; sub-messages are always written when given.

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;

export interface ProtoWriter {
  /** A string field; skipped when empty. */
  string(field: number, value: string | undefined): void;
  /** A repeated string field, one entry per value (strings are never packed). */
  strings(field: number, values: readonly string[] | undefined): void;
  /** A bool field; skipped when false unless `always` (members of a oneof must be written). */
  bool(field: number, value: boolean | undefined, always?: boolean): void;
  /** An int64 field (non-negative integers only, as in schema lengths); skipped when 0. */
  int64(field: number, value: number | undefined): void;
  /** A double field; skipped when 0. */
  double(field: number, value: number | undefined): void;
  /** A length-delimited sub-message whose content `write` produces with this same writer. */
  message(field: number, write: () => void): void;
  /** The bytes written so far. */
  finish(): Uint8Array;
}

export function createProtoWriter(initialSize = 64 * 1024): ProtoWriter {
  let buf = Buffer.allocUnsafe(initialSize);
  let pos = 0;

  function ensure(extra: number) {
    if (pos + extra <= buf.length) return;
    let size = buf.length * 2;
    while (size < pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    buf.copy(next, 0, 0, pos);
    buf = next;
  }

  // Writes at `at` without growing the buffer; returns the position after the varint.
  // Numbers above 2^31 cannot use bit operators, so this divides.
  function putVarint(n: number, at: number): number {
    while (n > 0x7f) {
      buf[at++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[at++] = n;
    return at;
  }

  function varint(n: number) {
    ensure(10);
    pos = putVarint(n, pos);
  }

  const tag = (field: number, wire: number) => varint(field * 8 + wire);

  return {
    string(field, value) {
      if (!value) return;
      const len = Buffer.byteLength(value, 'utf8');
      tag(field, BYTES);
      varint(len);
      ensure(len);
      pos += buf.write(value, pos, len, 'utf8');
    },
    strings(field, values) {
      for (const v of values ?? []) {
        // A repeated entry keeps its position even when empty.
        const len = Buffer.byteLength(v, 'utf8');
        tag(field, BYTES);
        varint(len);
        ensure(len);
        pos += buf.write(v, pos, len, 'utf8');
      }
    },
    bool(field, value, always = false) {
      if (!value && !always) return;
      tag(field, VARINT);
      varint(value ? 1 : 0);
    },
    int64(field, value) {
      if (!value) return;
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`int64 field ${field}: unsupported value ${value}`);
      tag(field, VARINT);
      varint(value);
    },
    double(field, value) {
      if (!value) return;
      tag(field, FIXED64);
      ensure(8);
      pos = buf.writeDoubleLE(value, pos);
    },
    message(field, write) {
      tag(field, BYTES);
      // Write the content first, then slide it right to make room for its length prefix:
      // one copy per nesting level, cheaper than sizing every message in a first pass.
      const start = pos;
      write();
      const len = pos - start;
      let size = 1;
      for (let n = len; n > 0x7f; n = Math.floor(n / 128)) size++;
      ensure(size);
      buf.copyWithin(start + size, start, pos);
      putVarint(len, start);
      pos += size;
    },
    finish: () => new Uint8Array(buf.subarray(0, pos)),
  };
}
