// One meaning for status colours everywhere: green running/ready, amber pending/progressing,
// red failed.

export type Tone = 'ok' | 'warn' | 'bad';

const bad =
  /^(failed|error|crashloopbackoff|imagepullbackoff|errimagepull|invalidimagename|createcontainerconfigerror|createcontainererror|runcontainererror|oomkilled|evicted|notready|lost|unknown|backoff|deadlineexceeded|containerstatusunknown|init:error|init:crashloopbackoff|false)$/i;
const warn =
  /^(pending|containercreating|podinitializing|terminating|progressing|init:.*|waiting|scheduling|notreadyyet|suspended|unschedulable|schedulingdisabled|starting|stopping|.*,schedulingdisabled)$/i;
const ok = /^(running|ready|completed|succeeded|active|bound|available|true|complete|healthy|normal)$/i;

export function statusTone(text: string): Tone | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (bad.test(t)) return 'bad';
  if (/schedulingdisabled/i.test(t)) return 'warn';
  if (warn.test(t)) return 'warn';
  if (ok.test(t)) return 'ok';
  if (/^Ready,/i.test(t)) return 'warn';
  return undefined;
}

/** Ready columns like "1/2": all ready is fine, fewer is amber. */
export function readyTone(text: string): Tone | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const [have, want] = [Number(m[1]), Number(m[2])];
  if (want === 0) return undefined;
  return have >= want ? 'ok' : 'warn';
}

/** Which column of a Table carries the status worth colouring. */
export function toneForCell(columnName: string, value: string): Tone | undefined {
  const n = columnName.toLowerCase();
  if (n === 'status' || n === 'phase' || n === 'state') return statusTone(value);
  if (n === 'ready') return readyTone(value) ?? statusTone(value);
  if (n === 'type' && (value === 'Warning' || value === 'Normal')) return value === 'Warning' ? 'warn' : undefined;
  return undefined;
}
