// Protocol-buffers wire format: walks the (number, wire type, value) records of one message.

export class ProtobufFormatError extends Error {}

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export type WireValue = { wire: 0; value: bigint } | { wire: 1; value: Buffer } | { wire: 2; value: Buffer } | { wire: 5; value: Buffer };

export type WireField = WireValue & { number: number };

/** Reads a base-128 varint at pos; BigInt because int64 fields (and negative int32s) use all 64 bits. */
export function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufFormatError(`truncated varint at byte ${pos}`);
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new ProtobufFormatError(`varint longer than 10 bytes at byte ${pos}`);
}

/** Splits a message into its fields, in wire order. Groups (wire types 3/4) are not used by Kubernetes. */
export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (number < 1 || number > 0x1fffffff) throw new ProtobufFormatError(`invalid field number ${number} at byte ${pos}`);
    switch (wire) {
      case WireType.varint: {
        const [value, next] = readVarint(buf, pos);
        pos = next;
        out.push({ number, wire: 0, value });
        break;
      }
      case WireType.bytes: {
        const [len, next] = readVarint(buf, pos);
        const end = next + Number(len);
        if (len > BigInt(buf.length) || end > buf.length)
          throw new ProtobufFormatError(`field ${number} claims ${len} bytes but only ${buf.length - next} remain`);
        out.push({ number, wire: 2, value: buf.subarray(next, end) });
        pos = end;
        break;
      }
      case WireType.fixed64:
      case WireType.fixed32: {
        const size = wire === WireType.fixed64 ? 8 : 4;
        if (pos + size > buf.length) throw new ProtobufFormatError(`truncated fixed${size * 8} field ${number}`);
        out.push({ number, wire, value: buf.subarray(pos, pos + size) } as WireField);
        pos += size;
        break;
      }
      default:
        throw new ProtobufFormatError(`unsupported wire type ${wire} for field ${number}`);
    }
  }
  return out;
}

/** Reads every varint in a packed repeated field. */
export function readPackedVarints(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [v, next] = readVarint(buf, pos);
    out.push(v);
    pos = next;
  }
  return out;
}
