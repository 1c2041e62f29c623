// The app's workspace (route, dock tabs, unapplied editor text) kept by the host in
// <dataDir>/workspace.json, so a reload or an app restart finds it again: browser storage
// does not outlive the per-launch session. Written atomically; a damaged file is reported and
// replaced by the next save, never fatal.
import { join } from 'node:path';
import { HostHttpError } from '../http/http-util';
import { readJsonFile, writeJsonFile } from '../profiles/json-file';
import type { Workspace, WorkspaceEditor, WorkspaceTab } from '../protocol';

export interface WorkspaceFile {
  read(): Workspace;
  write(value: unknown): Workspace;
}

const MAX_TABS = 50;
const MAX_ROUTE = 2000;
const MAX_DRAFT = 512 * 1024;
const MAX_SCROLLBACK = 16 * 1024;

const bad = (what: string) => new HostHttpError(400, `workspace: ${what}`, 'send the workspace as GET /api/workspace returns it');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body of PUT /api/workspace, checked: the shape the renderer restores from, bounded sizes. */
export function checkWorkspace(value: unknown): Workspace {
  if (!isObject(value)) throw bad('the body must be a JSON object');
  if (value.version !== 1) throw bad(`version must be 1, not ${JSON.stringify(value.version)}`);
  const out: Workspace = { version: 1 };
  if (value.route !== undefined) {
    if (typeof value.route !== 'string' || value.route.length > MAX_ROUTE)
      throw bad(`route must be a string of at most ${MAX_ROUTE} characters`);
    out.route = value.route;
  }
  if (value.dock !== undefined) {
    const d = value.dock;
    if (!isObject(d) || !Array.isArray(d.tabs)) throw bad('dock must be {tabs: [...], active?}');
    if (d.tabs.length > MAX_TABS) throw bad(`${d.tabs.length} dock tabs is too many (at most ${MAX_TABS})`);
    const tabs = d.tabs.map((t, i) => {
      if (!isObject(t) || typeof t.id !== 'string' || typeof t.type !== 'string' || typeof t.profile !== 'string')
        throw bad(`dock.tabs[${i}] needs string id, type and profile`);
      if (t.scrollback !== undefined && (typeof t.scrollback !== 'string' || t.scrollback.length > MAX_SCROLLBACK))
        throw bad(`dock.tabs[${i}].scrollback must be a string of at most ${MAX_SCROLLBACK} characters`);
      return t as WorkspaceTab;
    });
    out.dock = { tabs, ...(typeof d.active === 'string' ? { active: d.active } : {}) };
  }
  if (value.editor !== undefined) {
    const e = value.editor;
    if (!isObject(e) || (e.mode !== 'create' && e.mode !== 'edit') || typeof e.profile !== 'string')
      throw bad('editor needs mode "create" or "edit" and a profile');
    if (e.draft !== undefined && (typeof e.draft !== 'string' || e.draft.length > MAX_DRAFT))
      throw bad(`editor.draft must be a string of at most ${MAX_DRAFT} characters`);
    out.editor = e as unknown as WorkspaceEditor;
  }
  return out;
}

export function createWorkspaceFile(dataDir: string): WorkspaceFile {
  const path = join(dataDir, 'workspace.json');
  return {
    read() {
      try {
        const w = readJsonFile<unknown>(path, { version: 1 });
        return checkWorkspace(w);
      } catch (err) {
        // A damaged or foreign file must not stop the app: start afresh and say why.
        return { version: 1, problem: (err as Error).message };
      }
    },
    write(value) {
      const w = { ...checkWorkspace(value), savedAt: new Date().toISOString() };
      writeJsonFile(path, w);
      return w;
    },
  };
}
