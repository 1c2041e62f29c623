// CEL's two kinds of failure: a compile error (syntax, unknown function or variable), reported
// with cel-go's "ERROR: <input>:line:col: message" shape, and an evaluation error (no such key,
// overflow, cost budget exhausted), which a rule reports in its field error.

export class CelCompileError extends Error {}

export class CelEvalError extends Error {}

/** Evaluation stopped because the cost budget ran out (no further rules should run). */
export class CelCostError extends CelEvalError {}

/** "ERROR: <input>:1:7: msg" with the line and 1-based column of `offset` in `src`. */
export function compileError(src: string, offset: number, msg: string): CelCompileError {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return new CelCompileError(`ERROR: <input>:${line}:${col}: ${msg}`);
}

/** Evaluation paused for an answer only an async source has (an authorization decision); the
 *  caller fetches it and evaluates again. Never absorbed by && or ||. */
export class CelSuspend extends Error {}
