// Side-by-side diff (@codemirror/merge): the live object (or nothing, for Create) on the
// left, the editor's text on the right. Read-only: editing happens in the editor.
import { useEffect, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { yaml } from '@codemirror/lang-yaml';
import { MergeView } from '@codemirror/merge';
import { editorTheme } from './code-view';
import { yamlHighlight } from './highlight';

export function DiffView({ original, modified, originalLabel }: { original: string; modified: string; originalLabel: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const ext = [basicSetup, yaml(), yamlHighlight, editorTheme, EditorState.readOnly.of(true), EditorView.editable.of(false)];
    const mv = new MergeView({
      a: { doc: original, extensions: ext },
      b: { doc: modified, extensions: ext },
      parent: host.current!,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => mv.destroy();
  }, [original, modified]);
  const same = original === modified;
  return (
    <div className="diff-host" data-testid="diff-view">
      <div className="pane-toolbar">
        <span>{originalLabel}</span>
        <span className="spacer" />
        <span>your text</span>
      </div>
      {same && (
        <div className="muted small" style={{ padding: '4px 8px' }}>
          No differences.
        </div>
      )}
      <div ref={host} />
    </div>
  );
}
