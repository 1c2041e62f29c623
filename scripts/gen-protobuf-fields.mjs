#!/usr/bin/env node
// Builds engine/apiserver/protobuf/gen/fields.ts from Kubernetes' generated.proto files.
//
//   node scripts/gen-protobuf-fields.mjs <dir-of-protos> <out.ts> [source-label] [--kubectl <binary>]
//
// <dir-of-protos> is searched recursively for *.proto (e.g. a checkout of k8s.io/api and
// k8s.io/apimachinery at one release). Only what the decoder needs is kept: message names
// and, per field, its name, number, type and whether it is repeated or a map. Field numbers
// are wire-protocol facts, so the table is committed and the .proto files are not.
//
// With --kubectl (a kubectl of the same release, linux/amd64 ELF), scalar fields are also
// marked "?" when Go's JSON omits their zero value: the Go field is not a pointer and its json
// tag says omitempty. Gogo protobuf writes such fields even when zero, so without the mark a
// decoder cannot tell `hostPort: 0` (means unset) from `replicas: 0` (a pointer, means zero).
// That comes from the binary's reflect metadata; the .proto files do not carry it.
import fs from 'node:fs';
import path from 'node:path';

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

/** Splits proto source into tokens, dropping comments; string literals stay whole. */
export function tokenize(src) {
  const tokens = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith('//', i)) {
      const e = src.indexOf('\n', i);
      i = e < 0 ? src.length : e;
      continue;
    }
    if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? src.length : e + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      tokens.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_.]+/.exec(src.slice(i, i + 512));
    if (m) {
      tokens.push(m[0]);
      i += m[0].length;
      continue;
    }
    tokens.push(c);
    i++;
  }
  return tokens;
}

/**
 * Parses one .proto file into { package, messages: [{ name, fields: [{ name, number, type,
 * repeated, map?: [k, v] }] }] }. Nested messages get dotted names; enums, options, reserved
 * ranges and services are skipped (Kubernetes' files use none that matter here).
 */
export function parseProto(src, file = '<proto>') {
  const t = tokenize(src);
  let p = 0;
  const out = { package: '', messages: [] };
  const fail = (why) => {
    throw new Error(`${file}: ${why} near token ${p} (${t.slice(p, p + 6).join(' ')})`);
  };
  const expect = (tok) => {
    if (t[p] !== tok) fail(`expected "${tok}"`);
    p++;
  };
  const skipStatement = () => {
    while (p < t.length && t[p] !== ';') {
      if (t[p] === '{') {
        skipBlock();
        return;
      }
      p++;
    }
    p++;
  };
  const skipBlock = () => {
    let depth = 0;
    do {
      if (t[p] === '{') depth++;
      else if (t[p] === '}') depth--;
      p++;
    } while (depth > 0 && p < t.length);
  };
  const skipFieldOptions = () => {
    if (t[p] === '[') {
      while (t[p] !== ']') p++;
      p++;
    }
  };

  const parseMessage = (prefix) => {
    const name = prefix + t[p++];
    expect('{');
    const msg = { name, fields: [] };
    out.messages.push(msg);
    while (t[p] !== '}') {
      if (p >= t.length) fail(`unterminated message ${name}`);
      const tok = t[p];
      if (tok === ';') {
        p++;
        continue;
      }
      if (tok === 'message') {
        p++;
        parseMessage(name + '.');
        continue;
      }
      if (tok === 'enum' || tok === 'oneof' || tok === 'extensions' || tok === 'reserved' || tok === 'option' || tok === 'extend') {
        p++;
        skipStatement();
        continue;
      }
      if (tok === 'map') {
        p++;
        expect('<');
        const k = t[p++];
        expect(',');
        const v = t[p++];
        expect('>');
        const fname = t[p++];
        expect('=');
        const number = Number(t[p++]);
        skipFieldOptions();
        expect(';');
        msg.fields.push({ name: fname, number, type: 'map', repeated: false, map: [k, v] });
        continue;
      }
      let repeated = false;
      if (tok === 'optional' || tok === 'required' || tok === 'repeated') {
        repeated = tok === 'repeated';
        p++;
      }
      const type = t[p++];
      const fname = t[p++];
      expect('=');
      const number = Number(t[p++]);
      if (!Number.isInteger(number) || number <= 0) fail(`bad field number for ${name}.${fname}`);
      skipFieldOptions();
      expect(';');
      msg.fields.push({ name: fname, number, type, repeated });
    }
    p++;
  };

  while (p < t.length) {
    const tok = t[p];
    if (tok === 'package') {
      p++;
      out.package = t[p++];
      expect(';');
    } else if (tok === 'message') {
      p++;
      parseMessage('');
    } else if (tok === 'syntax' || tok === 'import' || tok === 'option') skipStatement();
    else if (tok === 'enum' || tok === 'service' || tok === 'extend') {
      p++;
      skipStatement();
    } else if (tok === ';') p++;
    else fail(`unexpected "${tok}"`);
  }
  return out;
}

/** Resolves a type reference the way protoc does for this corpus: relative to the package, or absolute. */
function resolver(known) {
  return (ref, pkg, scope) => {
    if (SCALARS.has(ref)) return ref;
    if (ref.startsWith('.')) return known.has(ref.slice(1)) ? ref.slice(1) : null;
    const parts = `${pkg}.${scope}`.split('.');
    for (let n = parts.length; n >= 0; n--) {
      const cand = [...parts.slice(0, n), ref].join('.');
      if (known.has(cand)) return cand;
    }
    return null;
  };
}

/** Builds { fullyQualifiedMessage: "name=number:type ..." } from parsed files. */
export function buildTable(files, goStructs = null) {
  const known = new Set();
  for (const f of files) for (const m of f.messages) known.add(`${f.package}.${m.name}`);
  const resolve = resolver(known);
  const table = {};
  const unresolved = new Set();
  for (const f of files) {
    // Top-level types of the same package are written without it, to keep the table small.
    const short = (fq) => {
      const rest = fq.slice(f.package.length + 1);
      return fq.startsWith(f.package + '.') && !rest.includes('.') ? rest : fq;
    };
    for (const m of f.messages) {
      const scope = m.name; // names resolve inside the message first, then outwards
      const entries = m.fields.map((fl) => {
        const one = (ref) => {
          const fq = resolve(ref, f.package, scope);
          if (!fq) {
            unresolved.add(`${ref} (in ${f.package}.${m.name})`);
            return ref.replace(/^\./, '');
          }
          return short(fq);
        };
        const type = fl.map ? `map<${one(fl.map[0])},${one(fl.map[1])}>` : one(fl.type);
        let mark = fl.repeated ? '*' : '';
        if (goStructs && !fl.repeated && !fl.map && SCALARS.has(fl.type)) {
          const go = goStructs.get(`${f.package}.${m.name}`)?.find((g) => g.number === fl.number);
          if (go && go.protoName !== fl.name) unresolved.add(`Go tag name=${go.protoName} != proto ${fl.name} (in ${f.package}.${m.name})`);
          if (go && !go.pointer && go.omitempty) mark = '?';
        }
        return `${fl.name}=${fl.number}:${type}${mark}`;
      });
      table[`${f.package}.${m.name}`] = entries.join(' ');
    }
  }
  return { table, unresolved: [...unresolved].sort() };
}

/**
 * Reads Go's reflect metadata from a non-PIE linux/amd64 Go binary: every struct type reachable
 * from the .typelink section, with its fields' protobuf numbers, pointer-ness and json tags.
 * Returns Map("<go package path with dots>.<Type>" -> [{ number, protoName, pointer, omitempty }]).
 * Layouts are Go's internal/abi (Type is 48 bytes; StructType adds PkgPath and Fields).
 */
export function readGoStructTags(bin) {
  if (bin.readUInt32BE(0) !== 0x7f454c46 || bin[4] !== 2) throw new Error('not a 64-bit ELF binary');
  const shoff = Number(bin.readBigUInt64LE(0x28));
  const shentsize = bin.readUInt16LE(0x3a);
  const shnum = bin.readUInt16LE(0x3c);
  const secs = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    secs.push({
      nameOff: bin.readUInt32LE(o),
      type: bin.readUInt32LE(o + 4),
      addr: Number(bin.readBigUInt64LE(o + 16)),
      off: Number(bin.readBigUInt64LE(o + 24)),
      size: Number(bin.readBigUInt64LE(o + 32)),
    });
  }
  const names = secs[bin.readUInt16LE(0x3e)];
  for (const s of secs) s.name = bin.toString('latin1', names.off + s.nameOff, bin.indexOf(0, names.off + s.nameOff));
  const rodata = secs.find((s) => s.name === '.rodata');
  const typelink = secs.find((s) => s.name === '.typelink');
  if (!rodata || !typelink) throw new Error('no .rodata/.typelink sections: not a Go binary?');
  const NOBITS = 8;
  const at = (va) => {
    for (const s of secs) if (s.type !== NOBITS && s.addr && va >= s.addr && va < s.addr + s.size) return s.off + (va - s.addr);
    return -1;
  };
  const ptr = (va) => Number(bin.readBigUInt64LE(at(va)));
  const varint = (p) => {
    let v = 0,
      shift = 0,
      b;
    do {
      b = bin[p++];
      v |= (b & 127) << shift;
      shift += 7;
    } while (b & 128);
    return [v, p];
  };
  const nameAt = (va) => {
    const p0 = at(va);
    const flags = bin[p0];
    let [len, p] = varint(p0 + 1);
    const name = bin.toString('latin1', p, p + len);
    p += len;
    let tag = '';
    if (flags & 2) {
      [len, p] = varint(p);
      tag = bin.toString('latin1', p, p + len);
    }
    return { name, tag };
  };
  const KIND_ARRAY = 17,
    KIND_MAP = 21,
    KIND_PTR = 22,
    KIND_SLICE = 23,
    KIND_STRUCT = 25;
  const kind = (t) => bin[at(t + 23)] & 31;
  const base = rodata.addr; // moduledata.types: the type data opens .rodata
  const pkgOf = (t) => {
    if (!(bin[at(t + 20)] & 1)) return ''; // no uncommon type: not a named type
    const off = bin.readInt32LE(at(t + 80)); // uncommon data follows the 80-byte StructType
    return off ? nameAt(base + off).name : '';
  };
  const typeName = (t) => {
    const n = nameAt(base + bin.readInt32LE(at(t + 40))).name;
    return bin[at(t + 20)] & 2 ? n.slice(1) : n; // tflagExtraStar
  };
  const out = new Map();
  const seen = new Set();
  const walk = (t) => {
    if (!t || seen.has(t) || at(t) < 0) return;
    seen.add(t);
    const k = kind(t);
    if (k === KIND_PTR || k === KIND_SLICE || k === KIND_ARRAY) walk(ptr(t + 48));
    else if (k === KIND_MAP) {
      walk(ptr(t + 48));
      walk(ptr(t + 56));
    } else if (k === KIND_STRUCT) {
      const fields = [];
      const arr = ptr(t + 56);
      for (let i = 0, n = ptr(t + 64); i < n; i++) {
        const ft = ptr(arr + i * 24 + 8);
        walk(ft);
        const { tag } = nameAt(ptr(arr + i * 24));
        const pb = /protobuf:"[a-z0-9]+,(\d+)(?:,[^"]*)?"/.exec(tag);
        if (!pb) continue;
        fields.push({
          number: Number(pb[1]),
          protoName: /name=([^,"]+)/.exec(pb[0])?.[1] ?? '',
          pointer: kind(ft) === KIND_PTR,
          omitempty: /json:"[^"]*,omitempty/.test(tag),
        });
      }
      const pkg = pkgOf(t);
      if (pkg && fields.length) out.set(`${pkg.replace(/\//g, '.')}.${typeName(t).split('.').pop()}`, fields);
    }
  };
  for (let i = 0; i < typelink.size / 4; i++) walk(base + bin.readInt32LE(typelink.off + i * 4));
  return out;
}

function findProtos(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findProtos(p));
    else if (e.name.endsWith('.proto')) out.push(p);
  }
  return out.sort();
}

export function render(table, source, zeroHints) {
  const keys = Object.keys(table).sort();
  const lines = keys.map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(table[k])},`);
  return [
    `// GENERATED by scripts/gen-protobuf-fields.mjs from the generated.proto files of ${source}.`,
    '// Do not edit by hand: regenerate from the .proto files of a newer release instead.',
    '// Each message maps to its fields as space-separated "name=number:type"; a trailing "*"',
    '// marks a repeated field, "map<K,V>" a map, and a type without dots lives in the same package.',
    '// With protoZeroHints, a trailing "?" marks a scalar whose zero value JSON omits (Go: not a',
    '// pointer, json omitempty); other scalars keep their zero value.',
    `export const protoSource = ${JSON.stringify(source)};`,
    `export const protoZeroHints = ${zeroHints};`,
    '',
    'export const protoMessages: Record<string, string> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const k = args.indexOf('--kubectl');
  const kubectl = k >= 0 ? args.splice(k, 2)[1] : undefined;
  const [dir, out, source = 'unknown Kubernetes release'] = args;
  if (!dir || !out) {
    console.error('usage: gen-protobuf-fields.mjs <dir-of-protos> <out.ts> [source-label] [--kubectl <binary>]');
    process.exit(2);
  }
  const files = findProtos(dir).map((f) => parseProto(fs.readFileSync(f, 'utf8'), f));
  const goStructs = kubectl ? readGoStructTags(fs.readFileSync(kubectl)) : null;
  const { table, unresolved } = buildTable(files, goStructs);
  if (unresolved.length) {
    console.error(`unresolved type references (add the .proto that defines them):\n  ${unresolved.join('\n  ')}`);
    process.exit(1);
  }
  fs.writeFileSync(out, render(table, source, Boolean(goStructs)));
  console.log(`${Object.keys(table).length} messages from ${files.length} files -> ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
