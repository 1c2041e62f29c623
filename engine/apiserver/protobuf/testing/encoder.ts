// A tiny protobuf writer for tests: each helper returns one encoded field, and msg() nests them.

export function varintBytes(v: bigint | number): Buffer {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return Buffer.from(out);
}

const tag = (number: number, wire: number) => varintBytes((number << 3) | wire);

export const varint = (number: number, v: bigint | number | boolean) =>
  Buffer.concat([tag(number, 0), varintBytes(typeof v === 'boolean' ? (v ? 1 : 0) : v)]);

export const bytes = (number: number, b: Buffer) => Buffer.concat([tag(number, 2), varintBytes(b.length), b]);

export const str = (number: number, s: string) => bytes(number, Buffer.from(s, 'utf8'));

export const msg = (number: number, ...fields: Buffer[]) => bytes(number, Buffer.concat(fields));

export const fixed64 = (number: number, b: Buffer) => Buffer.concat([tag(number, 1), b]);

/** A map<string,string> entry. */
export const entry = (number: number, key: string, value: string) => msg(number, str(1, key), str(2, value));

/** The "k8s\0" + runtime.Unknown wire form that kubectl sends. */
export function envelope(apiVersion: string, kind: string, ...fields: Buffer[]): Buffer {
  const unknown = Buffer.concat([msg(1, str(1, apiVersion), str(2, kind)), bytes(2, Buffer.concat(fields))]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}
