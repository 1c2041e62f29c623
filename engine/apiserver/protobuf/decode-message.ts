// Turns one protobuf message into the JSON value Kubernetes' JSON encoding gives the same object.
import { ProtobufFormatError, readFields, readPackedVarints, type WireField } from './wire';
import { wellKnown } from './well-known';
import { inlineFields, jsonNames } from './json-shape';
import type { FieldSchema, FieldType, Schemas } from './schema';

const varintScalars = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);

const isZero = (v: unknown) => v === '' || v === 0 || v === false;

function zigzag(v: bigint): bigint {
  return (v >> 1n) ^ -(v & 1n);
}

function wireName(w: number): string {
  return ['varint', 'fixed64', 'length-delimited', 'group', 'group end', 'fixed32'][w] ?? String(w);
}

function scalarFromVarint(type: string, v: bigint): unknown {
  switch (type) {
    case 'bool':
      return v !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, v));
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    // Int64 becomes a JS number, as JSON clients read it; values past 2^53 lose precision.
    case 'int64':
      return Number(BigInt.asIntN(64, v));
    case 'uint64':
      return Number(BigInt.asUintN(64, v));
    case 'sint32':
      return Number(BigInt.asIntN(32, zigzag(v)));
    case 'sint64':
      return Number(BigInt.asIntN(64, zigzag(v)));
    default:
      return undefined;
  }
}

function scalar(type: string, f: WireField, where: string): unknown {
  if (f.wire === 0) {
    const value = scalarFromVarint(type, f.value);
    if (value !== undefined) return value;
  } else if (f.wire === 2) {
    if (type === 'string') return f.value.toString('utf8');
    // Go's encoding/json writes []byte as standard base64 with padding.
    if (type === 'bytes') return f.value.toString('base64');
  } else if (f.wire === 1) {
    if (type === 'double') return f.value.readDoubleLE(0);
    if (type === 'fixed64') return Number(f.value.readBigUInt64LE(0));
    if (type === 'sfixed64') return Number(f.value.readBigInt64LE(0));
  } else if (f.wire === 5) {
    if (type === 'float') return f.value.readFloatLE(0);
    if (type === 'fixed32') return f.value.readUInt32LE(0);
    if (type === 'sfixed32') return f.value.readInt32LE(0);
  }
  throw new ProtobufFormatError(`${where}: a ${type} field cannot arrive as ${wireName(f.wire)}`);
}

/** Creates a decoder bound to a schema table. */
export function createMessageDecoder(schemas: Schemas) {
  function value(type: FieldType, f: WireField, where: string): unknown {
    if ('scalar' in type) return scalar(type.scalar, f, where);
    if (f.wire !== 2) throw new ProtobufFormatError(`${where}: a message field cannot arrive as ${wireName(f.wire)}`);
    return message(f.value, type.message, where);
  }

  function repeatedScalars(type: string, f: WireField, where: string): unknown[] {
    // proto2 writes repeated numbers one per record, but a packed run is legal input too.
    if (f.wire === 2 && varintScalars.has(type)) return readPackedVarints(f.value).map((v) => scalarFromVarint(type, v));
    return [scalar(type, f, where)];
  }

  function mapEntry(field: FieldSchema, f: WireField, where: string): [string, unknown] {
    if (f.wire !== 2) throw new ProtobufFormatError(`${where}: a map entry cannot arrive as ${wireName(f.wire)}`);
    const { key, value: valueType } = field.map!;
    let k: unknown = '';
    let v: unknown;
    for (const e of readFields(f.value)) {
      if (e.number === 1) k = value(key, e, `${where} key`);
      else if (e.number === 2) v = value(valueType, e, `${where}[${String(k)}]`);
    }
    // A missing value is the type's zero value.
    if (v === undefined)
      v =
        'scalar' in valueType
          ? valueType.scalar === 'string' || valueType.scalar === 'bytes'
            ? ''
            : 0
          : message(Buffer.alloc(0), valueType.message, where);
    return [String(k), v];
  }

  function message(buf: Buffer, name: string, where = name): unknown {
    const fields = readFields(buf);
    const convert = wellKnown[name];
    if (convert) return convert(fields, buf.length === 0);
    const schema = schemas.message(name);
    if (!schema) throw new ProtobufFormatError(`${where}: no schema for message ${name}`);

    const out: Record<string, any> = {};
    for (const f of fields) {
      const field = schema.byNumber.get(f.number);
      if (!field) continue; // a newer client's field: skipped, like an unknown JSON field
      const at = `${where}.${field.name}`;
      if (field.map) {
        const [k, v] = mapEntry(field, f, at);
        // defineProperty, so a key like "__proto__" stays a plain entry (as with JSON.parse).
        Object.defineProperty((out[field.name] ??= {}), k, { value: v, enumerable: true, writable: true, configurable: true });
      } else if (field.repeated) {
        const list: unknown[] = (out[field.name] ??= []);
        if ('scalar' in field.type) for (const item of repeatedScalars(field.type.scalar, f, at)) list.push(item);
        else list.push(value(field.type, f, at));
      } else {
        out[field.name] = value(field.type, f, at);
      }
    }
    return shape(name, schema.byName, out);
  }

  /** Applies JSON's view: zero values that omitempty drops are removed, embedded structs flattened, fields renamed. */
  function shape(name: string, byName: Map<string, FieldSchema>, out: Record<string, any>): Record<string, any> {
    const result: Record<string, any> = {};
    for (const [key, v] of Object.entries(out)) {
      const field = byName.get(key)!;
      // Gogo writes every non-pointer scalar, even when zero; JSON's omitempty drops those.
      if (!field.repeated && !field.map && 'scalar' in field.type && isZero(v)) {
        if (schemas.zeroHints ? field.omitZero : v === '') continue;
      }
      const id = `${name}.${key}`;
      if (inlineFields.has(id) && v && typeof v === 'object') Object.assign(result, v);
      else result[jsonNames[id] ?? key] = v;
    }
    return result;
  }

  return { message };
}

export type MessageDecoder = ReturnType<typeof createMessageDecoder>;
