// The xterm.js setup every dock terminal shares (pod shells, local terminals): font, theme,
// scrollback, fit to the pane (also when the pane resizes) and search.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';

export interface Xterm {
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  /** Fits to the pane when it is on screen (hidden panes measure 0×0). */
  fitIfShown(): void;
  dispose(): void;
}

function darkMode() {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches;
}

export function createXterm(el: HTMLElement): Xterm {
  const term = new Terminal({
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
    fontSize: 13,
    cursorBlink: true,
    scrollback: 5000,
    theme: darkMode() ? undefined : { background: '#111317' },
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fit);
  term.loadAddon(search);
  term.open(el);
  const fitIfShown = () => {
    if (el.offsetParent) fit.fit();
  };
  const ro = new ResizeObserver(fitIfShown);
  ro.observe(el);
  return {
    term,
    fit,
    search,
    fitIfShown,
    dispose: () => {
      ro.disconnect();
      term.dispose();
    },
  };
}
