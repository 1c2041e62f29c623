// The store's editor slice: the YAML editor's request and whether it holds unapplied text
// (the text itself, editorDraft, is kept by the workspace slice).
import type { AppState } from './app-store';
import type { SliceContext } from './slice-context';
import type { EditorRequest } from './types';

export interface EditorSlice {
  editor?: EditorRequest;
  /** The editor holds text not applied yet: navigation leaves it open instead of closing it. */
  editorDirty: boolean;
  openEditor(req: Omit<EditorRequest, 'id' | 'profile'> & { profile?: string }): void;
  closeEditor(): void;
  setEditorDirty(dirty: boolean): void;
}

/** Navigating closes a clean editor; one with unapplied text stays open (nothing typed is lost). */
export const leaveEditor = (s: AppState): Partial<AppState> => (s.editorDirty ? {} : { editor: undefined });

export function createEditorSlice({ set, get, nextId }: SliceContext): EditorSlice {
  return {
    editorDirty: false,
    openEditor(req) {
      const profile = req.profile ?? get().profile;
      if (!profile) return;
      set({ editor: { ...req, profile, id: nextId() }, editorDirty: false, editorDraft: undefined });
    },
    closeEditor: () => set({ editor: undefined, editorDirty: false, editorDraft: undefined }),
    setEditorDirty: (editorDirty) => set({ editorDirty }),
  };
}
