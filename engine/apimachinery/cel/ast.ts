// CEL's parsed form. Macros (has, all, exists, exists_one, map, filter) are expanded by the
// parser into `has` and `comp` nodes, as cel-go expands them into comprehensions.
import type { CelValue } from './values';

export type Macro = 'all' | 'exists' | 'exists_one' | 'map' | 'filter';

export type Expr =
  | { k: 'lit'; v: CelValue; pos: number }
  | { k: 'id'; name: string; pos: number }
  | { k: 'sel'; target: Expr; field: string; optional?: boolean; pos: number }
  | { k: 'has'; target: Expr; field: string; pos: number }
  | { k: 'idx'; target: Expr; index: Expr; optional?: boolean; pos: number }
  | { k: 'call'; fn: string; target?: Expr; args: Expr[]; pos: number }
  | { k: 'list'; items: Expr[]; pos: number }
  | { k: 'map'; entries: [Expr, Expr][]; pos: number }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr; pos: number }
  | { k: 'and' | 'or'; l: Expr; r: Expr; pos: number }
  | { k: 'comp'; macro: Macro; range: Expr; v: string; pred: Expr; fn?: Expr; pos: number };
