// Adding and removing profile sources: a file or folder by reference, a file copied into Skiff
// (its certificate, key and token files inlined, so the copy stands alone), pasted text, or the
// default kubeconfig again. Copies and pasted text are sealed (encrypted) before they touch disk.
// Nothing here ever writes to the user's files.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { HostHttpError } from '../http/http-util';
import { writeFileAtomic } from './json-file';
import { insideFolder } from './consent-need';
import { KubeconfigFileError, parseKubeconfig, readKubeconfigFile, type ParsedKubeconfig } from './kubeconfig-parse';
import { DEFAULT_SOURCE_ID, type SourceStore, type StoredSource } from './profile-sources-store';
import type { AddProfileSourceRequest } from '../protocol';
import type { SecretBox } from './secret-box';

export interface SourceActionDeps {
  store: SourceStore;
  box: SecretBox;
  /** Where relative paths point (the CLI's working directory); the API wants absolute paths. */
  cwd?: string;
}

/** Adds (or refreshes) a source; returns its id. Bad input is a HostHttpError saying what to do. */
export function addSource(deps: SourceActionDeps, body: unknown): string {
  const req = checkRequest(body);
  if ('default' in req) {
    deps.store.update((f) => {
      f.default = { ...f.default, removed: false, hidden: [] };
    });
    return DEFAULT_SOURCE_ID;
  }
  if ('text' in req) {
    const doc = parseOrThrow(() => parseKubeconfig(req.text, { file: 'pasted text' }));
    const label =
      req.label?.trim() ||
      doc.contexts
        .map((c) => c.name)
        .slice(0, 3)
        .join(', ');
    return storeSealed(deps, { kind: 'paste', label }, req.text);
  }
  const path = absolute(req.path, deps.cwd);
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HostHttpError(
      code === 'ENOENT' ? 404 : 400,
      `cannot import ${path}: ${code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`,
      'pick an existing kubeconfig file or a folder of them',
    );
  }
  if (st.isDirectory()) {
    if (req.copy)
      throw new HostHttpError(
        400,
        `${path} is a folder; only files can be copied into Skiff`,
        'import the folder by reference (it is watched), or copy its files one by one',
      );
    return addReference(deps, 'dir', path);
  }
  parseOrThrow(() => readKubeconfigFile(path));
  if (!req.copy) return addReference(deps, 'file', path);
  const text = inlineFiles(readFileSync(path, 'utf8'), dirname(path));
  return storeSealed(deps, { kind: 'copy', path }, text);
}

/** Removes a source (and Skiff's copy of it); the default source is only marked removed. */
export function removeSource(deps: SourceActionDeps, id: string): void {
  let removed: StoredSource | undefined;
  deps.store.update((f) => {
    if (id === DEFAULT_SOURCE_ID) {
      f.default = { ...f.default, removed: true };
      removed = { id, kind: 'file', addedAt: '' };
      return;
    }
    const i = f.sources.findIndex((s) => s.id === id);
    if (i < 0) return;
    removed = f.sources[i];
    f.sources.splice(i, 1);
  });
  if (!removed)
    throw new HostHttpError(
      404,
      `profile source "${id}" does not exist`,
      'list them with GET /api/profile-sources or "skiff profiles list"',
    );
  if (removed.copy) rmSync(join(deps.store.paths.copies, removed.copy), { force: true });
}

/** Stops listing one context of a source (the file is not touched). */
export function hideContext(deps: SourceActionDeps, sourceId: string, context: string): void {
  deps.store.update((f) => {
    if (sourceId === DEFAULT_SOURCE_ID) {
      f.default = { ...f.default, hidden: [...new Set([...(f.default?.hidden ?? []), context])] };
      return;
    }
    const s = f.sources.find((x) => x.id === sourceId);
    if (s) s.hidden = [...new Set([...(s.hidden ?? []), context])];
  });
}

function addReference(deps: SourceActionDeps, kind: 'file' | 'dir', path: string): string {
  let id = '';
  deps.store.update((f) => {
    const have = f.sources.find((s) => s.kind === kind && s.path === path);
    if (have) {
      delete have.hidden; // importing again shows what was hidden
      id = have.id;
      return;
    }
    id = newId();
    f.sources.push({ id, kind, path, addedAt: new Date().toISOString() });
  });
  return id;
}

function storeSealed(
  deps: SourceActionDeps,
  what: { kind: 'copy'; path: string } | { kind: 'paste'; label: string },
  text: string,
): string {
  const f = deps.store.read();
  const have = what.kind === 'copy' ? f.sources.find((s) => s.kind === 'copy' && s.path === what.path) : undefined;
  const id = have?.id ?? newId();
  const copy = have?.copy ?? `${id}.kubeconfig.sealed`;
  writeFileAtomic(join(deps.store.paths.copies, copy), deps.box.seal(Buffer.from(text, 'utf8')));
  deps.store.update((file) => {
    const s = file.sources.find((x) => x.id === id);
    if (s) {
      delete s.hidden;
      return;
    }
    file.sources.push({
      id,
      kind: what.kind,
      ...(what.kind === 'copy' ? { path: what.path } : { label: what.label }),
      copy,
      addedAt: new Date().toISOString(),
    });
  });
  return id;
}

/**
 * The kubeconfig text with every referenced file of its own folder inlined as *-data (or token).
 * Credential files elsewhere stay references (made absolute): the copy then asks for consent
 * before reading them (consent-need.ts), as the original would. A CA is public: always inlined.
 */
export function inlineFiles(text: string, baseDir: string): string {
  const doc = parseYaml(text, { merge: true }) as Record<string, any>;
  const abs = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  const inline = (obj: Record<string, any> | undefined, fileKey: string, dataKey: string, encode: (b: Buffer) => string) => {
    const p = obj?.[fileKey];
    if (typeof p !== 'string' || !p) return;
    if (obj && fileKey !== 'certificate-authority' && !insideFolder(abs(p), baseDir)) {
      obj[fileKey] = abs(p);
      return;
    }
    try {
      obj![dataKey] = encode(readFileSync(abs(p)));
      delete obj![fileKey];
    } catch {
      obj![fileKey] = abs(p); // unreadable now: keep the reference, the profile shows the problem
    }
  };
  for (const c of Array.isArray(doc?.clusters) ? doc.clusters : [])
    inline(c?.cluster, 'certificate-authority', 'certificate-authority-data', (b) => b.toString('base64'));
  for (const u of Array.isArray(doc?.users) ? doc.users : []) {
    inline(u?.user, 'client-certificate', 'client-certificate-data', (b) => b.toString('base64'));
    inline(u?.user, 'client-key', 'client-key-data', (b) => b.toString('base64'));
    inline(u?.user, 'token-file', 'token', (b) => b.toString('utf8').trim());
    const cmd = u?.user?.exec?.command;
    if (typeof cmd === 'string' && /[\\/]/.test(cmd)) u.user.exec.command = abs(cmd);
  }
  return stringify(doc, { lineWidth: 0 });
}

function checkRequest(body: unknown): AddProfileSourceRequest {
  const b = body as Record<string, unknown> | undefined;
  const hint = 'send {"path": "/abs/kubeconfig"}, {"path": "...", "copy": true}, {"text": "<kubeconfig YAML>"} or {"default": true}';
  if (!b || typeof b !== 'object') throw new HostHttpError(400, 'the request needs a JSON object', hint);
  if (b.default === true) return { default: true };
  if (typeof b.text === 'string') {
    if (!b.text.trim()) throw new HostHttpError(400, 'the pasted text is empty', 'paste a kubeconfig');
    return { text: b.text, ...(typeof b.label === 'string' ? { label: b.label } : {}) };
  }
  if (typeof b.path === 'string' && b.path.trim()) return { path: b.path.trim(), copy: b.copy === true };
  throw new HostHttpError(400, 'say what to import', hint);
}

function absolute(path: string, cwd: string | undefined): string {
  if (isAbsolute(path)) return path;
  if (cwd === undefined) throw new HostHttpError(400, `"${path}" is not an absolute path`, 'send the full path of the file or folder');
  return resolve(cwd, path);
}

function parseOrThrow(parse: () => ParsedKubeconfig): ParsedKubeconfig {
  let doc: ParsedKubeconfig;
  try {
    doc = parse();
  } catch (err) {
    if (err instanceof KubeconfigFileError)
      throw new HostHttpError(
        400,
        `cannot import ${err.file}: ${err.problem}`,
        'pick a kubeconfig file (kubectl config view shows what one looks like)',
      );
    throw err;
  }
  if (!doc.contexts.length) {
    throw new HostHttpError(
      400,
      `cannot import ${doc.file}: it has no contexts`,
      'a kubeconfig lists contexts (each naming a cluster and a user); pick another file',
    );
  }
  return doc;
}

function newId(): string {
  return `s-${randomBytes(4).toString('hex')}`;
}
