// The `skiff.dev/simulate` pod annotation: how a simulated container behaves. JSON, with
// pod-wide settings and optional per-container overrides (see README.md):
//   {"exitCode":1,"after":"2s","ready":false,"cpu":"250m","memory":"64Mi","containers":{"web":{...}}}
import { parseQuantity } from '../apimachinery/quantity';
import { isPlainObject } from '../kinds/custom/structural-schema';

export const SIMULATE_ANNOTATION = 'skiff.dev/simulate';

export interface ContainerBehavior {
  /** Exit with this code (after `afterMs`). */
  exitCode?: number;
  /** How long the container runs before exiting; unset = runtime default for the case. */
  afterMs?: number;
  /** Delay between start and running; unset = runtime default. */
  startDelayMs?: number;
  /** false = never becomes ready. */
  ready?: boolean;
  cpuNanoCores?: number;
  memoryBytes?: number;
}

/** "2s", "500ms", "1m", "1h" or a number of seconds → milliseconds; undefined when invalid. */
export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms'];
  return Number(m[1]) * unit;
}

/** The annotation's JSON as users write it: every field still to be checked. */
interface RawBehavior {
  exitCode?: unknown;
  after?: unknown;
  startDelay?: unknown;
  ready?: unknown;
  cpu?: unknown;
  memory?: unknown;
  containers?: unknown;
}

function behavior(value: unknown): ContainerBehavior {
  if (!isPlainObject(value)) return {};
  const raw: RawBehavior = value;
  const b: ContainerBehavior = {};
  if (typeof raw.exitCode === 'number' && Number.isInteger(raw.exitCode)) b.exitCode = raw.exitCode;
  const after = parseDurationMs(raw.after);
  if (after !== undefined) b.afterMs = after;
  const delay = parseDurationMs(raw.startDelay);
  if (delay !== undefined) b.startDelayMs = delay;
  if (typeof raw.ready === 'boolean') b.ready = raw.ready;
  const cpu = parseQuantity(raw.cpu);
  if (cpu !== null && cpu >= 0) b.cpuNanoCores = Math.round(cpu * 1e9);
  const mem = parseQuantity(raw.memory);
  if (mem !== null && mem >= 0) b.memoryBytes = Math.round(mem);
  return b;
}

/** Behavior per container name for a pod's annotations; invalid JSON means defaults. */
export function parseSimulateAnnotation(annotations: Record<string, string> | undefined): (name: string) => ContainerBehavior {
  const text = annotations?.[SIMULATE_ANNOTATION];
  if (!text) return () => ({});
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return () => ({});
  }
  const base = behavior(raw);
  const per = isPlainObject(raw) && isPlainObject(raw.containers) ? raw.containers : {};
  return (name) => ({ ...base, ...behavior(per[name]) });
}
