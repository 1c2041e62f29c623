// Builders for validation problems, worded exactly like apimachinery's field.Error bodies
// ("Required value", "Invalid value: 70000: must be between 1 and 65535, inclusive", ...).
import type { FieldError } from '../types';
import { goValue } from '../go-format';

function withDetail(head: string, detail?: string): string {
  return detail ? `${head}: ${detail}` : head;
}

export function required(field: string, detail = ''): FieldError {
  return { field, reason: 'FieldValueRequired', message: withDetail('Required value', detail) };
}

export function invalid(field: string, value: unknown, detail = ''): FieldError {
  return { field, reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${goValue(value)}`, detail) };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${goValue(value)}` };
}

export function notFound(field: string, value: unknown): FieldError {
  return { field, reason: 'FieldValueNotFound', message: `Not found: ${goValue(value)}` };
}

export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  const detail = supported.length ? 'supported values: ' + supported.map((v) => JSON.stringify(v)).join(', ') : '';
  return { field, reason: 'FieldValueNotSupported', message: withDetail(`Unsupported value: ${goValue(value)}`, detail) };
}

export function forbidden(field: string, detail: string): FieldError {
  return { field, reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return { field, reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxBytes} bytes` };
}

/** `parent.child`, or just `child` at the root. */
export function child(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

/** `path[3]` */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** `path[key]` (map entries, e.g. resources.requests[cpu]). */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** Renders one error as Kubernetes prints it inside a Status message: `field: body`. */
export function formatFieldError(e: FieldError): string {
  return e.field ? `${e.field}: ${e.message}` : e.message;
}
