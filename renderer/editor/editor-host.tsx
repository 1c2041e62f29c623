// Shows the YAML editor when one is requested (one at a time). The editor (CodeMirror, the
// YAML library) is a chunk of its own: fetched and parsed the first time one opens, not at boot.
import { lazy, Suspense } from 'react';
import { useApp } from '../state/services';

const YamlEditor = lazy(() => import('./yaml-editor').then((m) => ({ default: m.YamlEditor })));

export function EditorHost() {
  const editor = useApp((s) => s.editor);
  return editor ? (
    <Suspense fallback={null}>
      <YamlEditor key={editor.id} request={editor} />
    </Suspense>
  ) : null;
}
