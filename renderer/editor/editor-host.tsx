// Shows the YAML editor when one is requested (one at a time).
import { useApp } from '../state/services';
import { YamlEditor } from './yaml-editor';

export function EditorHost() {
  const editor = useApp((s) => s.editor);
  return editor ? <YamlEditor key={editor.id} request={editor} /> : null;
}
