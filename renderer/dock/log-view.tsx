// A logs tab: one pod (container picker, previous instance) or a workload's pods merged
// (lines prefixed by pod); where it starts (lines or time), follow (paused by scrolling up,
// "Jump to live" resumes), timestamps, wrap, search with highlighting, download.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { resourcePath, wellKnown } from '../k8s/resources';
import type { LogsTab } from '../state/types';
import { useApp, useServices } from '../state/services';
import { useLiveTable } from '../state/use-live-table';
import { appendLines, linesText, searchLines, type LogLine } from './log-buffer';
import { logSince, logSinceChoices } from './log-since';
import { startLogStream } from './log-stream';

const lineHeight = 18;
const wrapWindow = 3000;

function highlight(text: string, q: string): ReactNode {
  if (!q) return text;
  const lower = text.toLowerCase();
  const out: ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    out.push(text.slice(at, i), <mark key={i}>{text.slice(i, i + q.length)}</mark>);
    at = i + q.length;
  }
  out.push(text.slice(at));
  return out;
}

/** Which pods to follow: the tab's pod, or the running pods of its workload's selector. */
function useTargets(tab: LogsTab): Array<{ pod: string; containers: string[] }> {
  const { k8s } = useServices();
  const live = useLiveTable(
    tab.selector ? k8s(tab.profile) : undefined,
    tab.selector ? resourcePath(wellKnown.pods, tab.namespace) : undefined,
    { labelSelector: tab.selector, includeObject: 'Object', poll: true, pollMs: 3000 },
  );
  const key = live.set.rows
    .map((r) => r.name)
    .sort()
    .join(',');
  return useMemo(
    () =>
      tab.pod
        ? [{ pod: tab.pod, containers: tab.containers ?? [] }]
        : live.set.rows.map((r) => ({ pod: r.name, containers: (r.object?.spec?.containers ?? []).map((c: { name: string }) => c.name) })),
    [tab.pod, key],
  ); // eslint-disable-line react-hooks/exhaustive-deps -- key is the sorted pod list; rows change on every status update
}

export function LogView({ tab, active }: { tab: LogsTab; active: boolean }) {
  const { k8s, slots } = useServices();
  const client = k8s(tab.profile);
  const merged = !tab.pod;
  const since = logSince(tab.since, merged ? 'tail-100' : 'tail-500');
  const updateTab = useApp((s) => s.updateLogsTab);
  const [container, setContainer] = useState(tab.containers?.[0] ?? '');
  const [previous, setPrevious] = useState(false);
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [match, setMatch] = useState(0);
  const [lines, setLines] = useState<LogLine[]>([]);
  const targets = useTargets(tab);
  const targetKey = targets.map((t) => t.pod).join(',');

  useEffect(() => {
    setLines([]);
    const streams = targets.map((t) =>
      startLogStream({
        client,
        namespace: tab.namespace,
        pod: t.pod,
        container: merged ? t.containers[0] : container,
        previous,
        label: merged ? t.pod : undefined,
        tailLines: since.tailLines,
        sinceSeconds: since.sinceSeconds,
        slots,
        onLines: (ls) => setLines((cur) => appendLines(cur, ls)),
      }),
    );
    return () => streams.forEach((s) => s.stop());
  }, [client, tab.namespace, targetKey, container, previous, since.id]); // eslint-disable-line react-hooks/exhaustive-deps -- streams restart only when their target changes

  const q = query.toLowerCase();
  const matches = useMemo(() => searchLines(lines, q), [lines, q]);
  const shown = wrap && lines.length > wrapWindow ? lines.slice(lines.length - wrapWindow) : lines;
  const offset = lines.length - shown.length;

  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Follow: stay at the bottom as lines arrive (and when the tab becomes visible again).
  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow, active, wrap]);

  const jump = (n: number) => {
    if (!matches.length) return;
    const i = ((n % matches.length) + matches.length) % matches.length;
    setMatch(i);
    setFollow(false);
    const el = box.current;
    if (el && !wrap) el.scrollTop = Math.max(0, matches[i] * lineHeight - el.clientHeight / 2);
  };
  const download = () => {
    const blob = new Blob([linesText(lines, true)], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${tab.pod ?? tab.title.replace(/\W+/g, '-')}${container ? '-' + container : ''}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const first = wrap ? 0 : Math.max(0, Math.floor(scrollTop / lineHeight) - 20);
  const last = wrap ? shown.length : Math.min(shown.length, Math.ceil((scrollTop + height) / lineHeight) + 20);
  const current = matches[match];
  const render = (l: LogLine, i: number) => (
    <div
      key={l.id}
      className={l.sys ? 'sys' : undefined}
      data-testid="log-line"
      style={!wrap ? { height: lineHeight } : undefined}
      {...(current === i + offset ? { 'data-current': 'true' } : {})}
    >
      {timestamps && l.ts && <span className="ts">{l.ts} </span>}
      {l.pod && <span className="pod">[{l.pod}] </span>}
      {l.sys ? l.text : highlight(l.text, q)}
    </div>
  );

  return (
    <div className="dock-pane" hidden={!active} data-testid="log-view" data-title={tab.title}>
      <div className="pane-toolbar">
        {!merged && (tab.containers?.length ?? 0) > 1 && (
          <select data-testid="log-container" aria-label="Container" value={container} onChange={(e) => setContainer(e.target.value)}>
            {tab.containers!.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
        {merged && <span className="muted">{targets.length} pod(s)</span>}
        <select
          data-testid="log-since"
          aria-label="Show from"
          value={since.id}
          onChange={(e) => updateTab(tab.id, { since: e.target.value })}
        >
          {logSinceChoices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" data-testid="log-follow" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          follow
        </label>
        {!merged && (
          <label>
            <input type="checkbox" data-testid="log-previous" checked={previous} onChange={(e) => setPrevious(e.target.checked)} />
            previous
          </label>
        )}
        <label>
          <input type="checkbox" data-testid="log-timestamps" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} />
          timestamps
        </label>
        <label>
          <input type="checkbox" data-testid="log-wrap" checked={wrap} onChange={(e) => setWrap(e.target.checked)} />
          wrap
        </label>
        <span className="spacer" />
        <input
          data-testid="log-search"
          placeholder="Search…"
          value={query}
          style={{ width: 160 }}
          onChange={(e) => {
            setQuery(e.target.value);
            setMatch(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') jump(match + (e.shiftKey ? -1 : 1));
          }}
        />
        {q && <span className="muted">{matches.length ? `${match + 1}/${matches.length}` : 'no match'}</span>}
        <button data-testid="log-download" onClick={download} disabled={!lines.length}>
          Download
        </button>
        <button onClick={() => setLines([])}>Clear</button>
      </div>
      {!follow && !previous && (
        <button className="jump-live" data-testid="log-jump-live" onClick={() => setFollow(true)}>
          ↓ Jump to live
        </button>
      )}
      <div
        ref={box}
        className={`log-lines${wrap ? ' wrap' : ''}`}
        tabIndex={0}
        role="log"
        aria-label={`Log of ${tab.title}`}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScrollTop(el.scrollTop);
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < lineHeight * 2;
          if (atBottom !== follow) setFollow(atBottom);
        }}
      >
        {wrap && offset > 0 && <div className="sys">… {offset} earlier lines (turn off wrap to scroll through all, or download)</div>}
        {!lines.length && <div className="sys">Waiting for log lines…</div>}
        {wrap ? (
          shown.map((l, i) => render(l, i))
        ) : (
          <div style={{ height: shown.length * lineHeight, position: 'relative' }}>
            <div style={{ position: 'absolute', left: 0, right: 0, top: first * lineHeight }}>
              {shown.slice(first, last).map((l, i) => render(l, first + i))}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
