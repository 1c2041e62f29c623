// The Find box of a dock terminal: incremental search; Enter for the next match, Shift+Enter
// for the previous one.
import { useState } from 'react';
import type { SearchAddon } from '@xterm/addon-search';

export function TerminalFind({ search }: { search: () => SearchAddon | undefined }) {
  const [query, setQuery] = useState('');
  return (
    <input
      placeholder="Find…"
      aria-label="Find in terminal"
      value={query}
      style={{ width: 140 }}
      onChange={(e) => {
        setQuery(e.target.value);
        search()?.findNext(e.target.value, { incremental: true });
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.shiftKey ? search()?.findPrevious(query) : search()?.findNext(query);
      }}
    />
  );
}
