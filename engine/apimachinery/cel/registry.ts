// Every function a CEL expression may call: the standard ones (functions.ts) plus Kubernetes'
// libraries, merged once. A member name several types share (compareTo on quantities and semvers,
// getHours on timestamps and durations) dispatches on the receiver's type; a library overload of
// a standard function (string(ip), timestamp + duration) on the first argument's type.
import {
  GLOBALS as BASE_GLOBALS,
  GLOBAL_ARITY as BASE_GLOBAL_ARITY,
  MEMBERS as BASE_MEMBERS,
  MEMBER_ARITY as BASE_MEMBER_ARITY,
} from './functions';
import { authzLibrary } from './lib-authz';
import { formatLibrary } from './lib-format';
import { netLibrary } from './lib-net';
import { quantityLibrary } from './lib-quantity';
import { semverLibrary } from './lib-semver';
import { stringsLibrary } from './lib-strings';
import { timeLibrary } from './lib-time';
import { urlLibrary } from './lib-url';
import { noOverload, type CelLibrary, type Fn } from './support';
import { typeName } from './values';

export type { Charge } from './support';

const LIBRARIES: CelLibrary[] = [
  quantityLibrary,
  netLibrary,
  urlLibrary,
  formatLibrary,
  semverLibrary,
  timeLibrary,
  stringsLibrary,
  authzLibrary,
];

export const GLOBALS: Record<string, Fn> = { ...BASE_GLOBALS };
export const MEMBERS: Record<string, Fn> = { ...BASE_MEMBERS };
export const GLOBAL_ARITY: Record<string, number[]> = { ...BASE_GLOBAL_ARITY };
export const MEMBER_ARITY: Record<string, number[]> = { ...BASE_MEMBER_ARITY };

function byType(name: string, table: Record<string, Fn>, fallback: Fn | undefined): Fn {
  return (args, charge) => {
    const fn = table[typeName(args[0])];
    if (fn) return fn(args, charge);
    return fallback ? fallback(args, charge) : noOverload(name, args);
  };
}

const mergeArity = (into: Record<string, number[]>, from: Record<string, number[]> | undefined) => {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = [...new Set([...(into[k] ?? []), ...v])];
};

const memberTables: Record<string, Record<string, Fn>> = {};
const overloadTables: Record<string, Record<string, Fn>> = {};
for (const lib of LIBRARIES) {
  Object.assign(GLOBALS, lib.globals);
  mergeArity(GLOBAL_ARITY, lib.globalArity);
  mergeArity(MEMBER_ARITY, lib.memberArity);
  for (const [name, t] of Object.entries(lib.members ?? {})) Object.assign((memberTables[name] ??= {}), t);
  for (const [name, t] of Object.entries(lib.overloads ?? {})) Object.assign((overloadTables[name] ??= {}), t);
}
for (const [name, table] of Object.entries(memberTables)) MEMBERS[name] = byType(name, table, BASE_MEMBERS[name]);
for (const [name, table] of Object.entries(overloadTables)) GLOBALS[name] = byType(name, table, GLOBALS[name]);
