// Tokens of the label selector string syntax (`a=b,c in (x,y),!d`).

export type TokenType = 'identifier' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' | 'end';

export interface Token {
  type: TokenType;
  literal: string;
}

const SYMBOLS = new Set(['=', '==', '!=', '!', '(', ')', ',', '>', '<']);
const SPECIAL_CHARS = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/** Splits a selector string into tokens; the list always ends with an 'end' token. */
export function lexLabelSelector(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && WHITESPACE.has(input[pos])) pos++;
    if (pos >= input.length) {
      tokens.push({ type: 'end', literal: '' });
      return tokens;
    }
    if (SPECIAL_CHARS.has(input[pos])) {
      // Longest run of special characters that still spells an operator ("!=" rather than "!").
      let best = '';
      let buf = '';
      while (pos + buf.length < input.length && SPECIAL_CHARS.has(input[pos + buf.length])) {
        buf += input[pos + buf.length];
        if (SYMBOLS.has(buf)) best = buf;
        else break;
      }
      pos += best.length;
      tokens.push({ type: best as TokenType, literal: best });
      continue;
    }
    const start = pos;
    while (pos < input.length && !WHITESPACE.has(input[pos]) && !SPECIAL_CHARS.has(input[pos])) pos++;
    const word = input.slice(start, pos);
    const type: TokenType = word === 'in' || word === 'notin' ? word : 'identifier';
    tokens.push({ type, literal: word });
  }
}
