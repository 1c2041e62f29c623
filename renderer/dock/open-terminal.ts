// A new local-terminal tab for a profile (each click opens another one).
import type { TerminalTab } from '../state/types';

let seq = 0;

export function localTerminalTab(profile: string): TerminalTab {
  const n = ++seq;
  // Unique across reloads too: restored tabs keep their ids.
  return {
    id: `terminal:${profile}:${Date.now().toString(36)}-${n}`,
    type: 'terminal',
    title: n === 1 ? 'Local terminal' : `Local terminal ${n}`,
    profile,
  };
}
