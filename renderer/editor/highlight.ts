// YAML colours from CSS variables, so highlighting reads well in light and dark themes
// (CodeMirror's default style is for light backgrounds only).
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

export const yamlHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--syn-key)' },
    { tag: [t.string, t.special(t.string), t.content], color: 'var(--syn-string)' },
    { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--syn-number)' },
    { tag: [t.keyword, t.labelName, t.typeName, t.meta, t.definitionKeyword], color: 'var(--syn-keyword)' },
    { tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--syn-comment)', fontStyle: 'italic' },
    { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: 'var(--syn-punct)' },
    { tag: t.invalid, color: 'var(--bad)' },
  ]),
);
