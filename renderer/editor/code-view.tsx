// CodeMirror 6 with YAML highlighting and lint diagnostics, as a React component that owns
// its document: the parent reads changes through onChange and replaces text through a handle.
import { useEffect, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { EditorState, type Extension } from '@codemirror/state';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { yamlHighlight } from './highlight';
import type { EditorDiagnostic } from './yaml-errors';

export interface CodeHandle {
  setText(text: string): void;
  getText(): string;
  focus(): void;
}

/** Colours from the app's CSS variables, so light and dark themes both read well. */
export const editorTheme: Extension = EditorView.theme(
  {
    '&': { backgroundColor: 'var(--bg)', color: 'var(--fg)', height: '100%' },
    '.cm-gutters': { backgroundColor: 'var(--bg-2)', color: 'var(--fg-3)', borderRight: '1px solid var(--line)' },
    '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 45%, transparent)' },
    '.cm-activeLineGutter': { backgroundColor: 'var(--bg-3)' },
    '.cm-cursor': { borderLeftColor: 'var(--fg)' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--accent-soft) !important' },
    '.cm-collapsedLines': { background: 'var(--bg-2)', color: 'var(--fg-2)' },
    '.cm-panels': { backgroundColor: 'var(--bg-2)', color: 'var(--fg)' },
    '.cm-tooltip': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--line)' },
  },
  { dark: typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches },
);

export function CodeView(p: {
  initialText: string;
  diagnostics: EditorDiagnostic[];
  onChange(text: string): void;
  handle?: { current: CodeHandle | null };
  readOnly?: boolean;
  testId?: string;
  /** The text box's accessible name (CodeMirror's content element has none of its own). */
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(p.onChange);
  onChange.current = p.onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: p.initialText,
        extensions: [
          basicSetup,
          yaml(),
          yamlHighlight,
          lintGutter(),
          editorTheme,
          EditorView.lineWrapping,
          EditorState.readOnly.of(!!p.readOnly),
          EditorView.contentAttributes.of({ 'aria-label': p.label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    if (p.handle) {
      p.handle.current = {
        setText: (text) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } }),
        getText: () => v.state.doc.toString(),
        focus: () => v.focus(),
      };
    }
    return () => {
      v.destroy();
      view.current = null;
      if (p.handle) p.handle.current = null;
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- the view is made once per mount; later props reach it through refs

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const len = v.state.doc.length;
    const diags: Diagnostic[] = p.diagnostics.map((d) => ({
      from: Math.min(d.from, len),
      to: Math.min(Math.max(d.to, d.from), len),
      severity: 'error',
      message: d.message,
      source: d.source,
    }));
    v.dispatch(setDiagnostics(v.state, diags));
  }, [p.diagnostics]);

  return <div className="cm-host" ref={host} data-testid={p.testId} />;
}
