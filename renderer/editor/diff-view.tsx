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
    const named = (label: string) => [...ext, EditorView.contentAttributes.of({ 'aria-label': label })];
    const mv = new MergeView({
      a: { doc: original, extensions: named(originalLabel) },
      b: { doc: modified, extensions: named('Your text') },
      parent: host.current!,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => mv.destroy();
  }, [original, modified, originalLabel]);
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
