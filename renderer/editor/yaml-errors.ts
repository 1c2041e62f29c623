// Errors placed on lines: YAML syntax errors from the `yaml` parser, and server errors
// (strict decoding, Invalid causes) mapped to the line of the field they name.
import { parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { offsetOfPath, parseFieldPath } from './field-path';
import type { K8sError } from '../k8s/errors';

export interface EditorDiagnostic {
  /** Character offsets in the text. */
  from: number;
  to: number;
  /** 1-based, for the list under the editor. */
  line: number;
  column: number;
  message: string;
  source: 'yaml' | 'server';
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

function diag(text: string, from: number, message: string, source: EditorDiagnostic['source'], to?: number): EditorDiagnostic {
  const f = Math.max(0, Math.min(from, text.length));
  const { line, column } = lineColumn(text, f);
  return { from: f, to: Math.max(f, Math.min(to ?? lineEnd(text, f), text.length)), line, column, message, source };
}

export interface ParsedManifest {
  doc?: Document;
  value?: unknown;
  errors: EditorDiagnostic[];
}

/** Parses one YAML document; several documents or a non-object are errors too. */
export function parseManifest(text: string): ParsedManifest {
  const docs = (() => {
    try {
      return [parseDocument(text)];
    } catch {
      return [];
    }
  })();
  const doc = docs[0];
  if (!doc) return { errors: [diag(text, 0, 'The YAML could not be read.', 'yaml')] };
  const errors = doc.errors.map((e) => {
    if (e.code === 'MULTIPLE_DOCS')
      return diag(text, e.pos[0], 'Only one object at a time: remove the other YAML documents (after ---).', 'yaml', e.pos[1]);
    const quote = unclosedQuote(text, doc, e);
    if (quote) return quote;
    return diag(text, e.pos[0], yamlMessage(e), 'yaml', e.pos[1]);
  });
  if (errors.length) return { doc, errors };
  const value = doc.toJS();
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return {
      doc,
      value,
      errors: [diag(text, 0, 'The YAML must describe one object (a mapping with apiVersion, kind and metadata).', 'yaml')],
    };
  return { doc, value, errors: [] };
}

/** The parser's first line, without its "at line N, column M:" tail (the list shows the line). */
function yamlMessage(e: YAMLError): string {
  return e.message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/(["'])quote\b/, '$1 quote');
}

/**
 * A quote never closed: the parser reports the end of the text; the mistake is where the quoted
 * string opens, which the parsed document still knows.
 */
function unclosedQuote(text: string, doc: Document, e: YAMLError): EditorDiagnostic | undefined {
  if (e.code !== 'MISSING_CHAR' || !/quote/.test(e.message)) return undefined;
  let start = -1;
  let mark = '"';
  visit(doc, {
    Scalar(_k, n) {
      const r = n.range;
      if ((n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') && r && r[1] >= e.pos[0] && (start < 0 || r[0] < start)) {
        start = r[0];
        mark = n.type === 'QUOTE_DOUBLE' ? '"' : "'";
      }
    },
  });
  if (start < 0) return undefined;
  const { line } = lineColumn(text, start);
  return diag(text, start, `Missing closing ${mark} quote: the string opened on line ${line} never ends.`, 'yaml');
}

export { parseFieldPath, offsetOfPath } from './field-path';

/** A diagnostic on the line of the field the server names (the top of the text when it is not there). */
export function diagnosticAt(text: string, doc: Document, field: string | undefined, message: string): EditorDiagnostic {
  const at = field ? offsetOfPath(doc, parseFieldPath(field)) : -1;
  return diag(text, at < 0 ? 0 : at, message, 'server');
}

/** Turns a server error (dry-run or apply) into diagnostics on the lines it names. */
export function serverDiagnostics(text: string, err: K8sError, doc?: Document): EditorDiagnostic[] {
  const d = doc ?? parseDocument(text);
  const out: EditorDiagnostic[] = [];
  const seen = new Set<string>();
  const add = (field: string | undefined, message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    out.push(diagnosticAt(text, d, field, message));
  };
  for (const c of err.causes) {
    const message =
      c.field && c.message && !c.message.includes(c.field) ? `${c.field}: ${c.message}` : (c.message ?? c.field ?? err.message);
    let field = c.field;
    const named = /(?:unknown|duplicate) field "([^"]+)"/.exec(c.message ?? '');
    if (named) field = named[1];
    add(field, message);
  }
  // Strict decoding errors may come as one message: 'strict decoding error: unknown field "spec.foo", unknown field "x"'
  for (const m of err.message.matchAll(/(unknown|duplicate) field "([^"]+)"/g)) {
    if (!out.some((o) => o.message.includes(`"${m[2]}"`))) add(m[2], `${m[1]} field "${m[2]}"`);
  }
  // Creating in a namespace that does not exist: 404 about the namespace, not the object.
  const details = err.status?.details;
  if (!out.length && err.code === 404 && (details?.kind === 'namespaces' || /^namespaces? "[^"]+" not found/.test(err.message))) {
    const ns = details?.name ?? /"([^"]+)"/.exec(err.message)?.[1] ?? '';
    add('metadata.namespace', `namespace "${ns}" does not exist: create it first, or pick another namespace`);
  }
  if (!out.length) add(undefined, err.message);
  return out;
}
