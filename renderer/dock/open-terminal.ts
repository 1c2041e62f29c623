// A new local-terminal tab for a profile (each click opens another one).
import type { TerminalTab } from '../state/types';

let seq = 0;

export function localTerminalTab(profile: string): TerminalTab {
  const n = ++seq;
  return { id: `terminal:${profile}:${n}`, type: 'terminal', title: n === 1 ? 'Local terminal' : `Local terminal ${n}`, profile };
}
