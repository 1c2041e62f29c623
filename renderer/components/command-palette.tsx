// Ctrl/Cmd+K: jump to any kind (from discovery), any object of the list on screen or, once
// typed into, any object of any kind in the namespace (object-index.ts); actions on the
// selected object (logs, shell, YAML, delete); the Overview and the resource map; switch
// profile (cluster) or namespace (palette-items.ts).
import { useEffect, useMemo, useRef, useState } from 'react';
import { loadObjectIndex, searchableKinds, type IndexedObject } from '../k8s/object-index';
import { navSections, resourceId, resourcePath, wellKnown } from '../k8s/resources';
import type { Row } from '../k8s/table-model';
import type { ApiResource } from '../k8s/types';
import { useApp, useServices } from '../state/services';
import { useLiveTable } from '../state/use-live-table';
import { useAccessList } from '../state/use-access';
import { actionAccess, actionsFor, runObjectAction } from './object-actions';
import { paletteItems } from './palette-items';
import { cachedKey, createPaletteSearch, itemText, sameKeys, type PaletteItem as Item, type SearchSource } from './palette-search';
import { useFocusTrap } from './use-focus-trap';

/** An object of any kind, with what it is searched by (computed once, when its kind arrives). */
interface Indexed {
  o: IndexedObject;
  kindId: string;
  hint: string;
  key: string;
}

const rowHint = (kind: string, row: Row) => `${kind}${row.namespace ? ` in ${row.namespace}` : ''}`;

export function CommandPalette() {
  const open = useApp((s) => s.paletteOpen);
  const setPalette = useApp((s) => s.setPalette);
  if (!open) return null;
  return <PaletteBody close={() => setPalette(false)} />;
}

function PaletteBody({ close }: { close(): void }) {
  const profile = useApp((s) => s.profile);
  const discovered = useApp((s) => (profile ? s.discovery[profile]?.resources : undefined));
  const view = useApp((s) => s.view);
  // The rows on screen, kept while only their contents change (status updates do not change
  // what a row is searched by; re-searching 50,000 rows on each would slow typing).
  const liveRows = useApp((s) => s.listRows);
  const [rows, setRows] = useState(liveRows);
  if (rows !== liveRows && !sameKeys(rows, liveRows)) setRows(liveRows);
  const services = useServices();
  const { showList, select } = services.store.getState(); // actions are stable
  const selection = useApp((s) => s.selection);
  const profiles = useApp((s) => s.profiles);
  const namespaces = useLiveTable(profile ? services.k8s(profile) : undefined, profile ? resourcePath(wellKnown.namespaces) : undefined, {
    includeObject: 'Metadata',
  });
  const namespace = useApp((s) => s.namespace);
  const [index, setIndex] = useState<Indexed[]>([]);
  // Every kind's names, read once per opening (a few lists at a time, shown as they come).
  useEffect(() => {
    if (!profile) return;
    const abort = new AbortController();
    const kinds = new Map<string, ApiResource>();
    for (const r of [...navSections.flatMap((s) => s.items), ...(discovered ?? [])]) kinds.set(resourceId(r), r);
    void loadObjectIndex(services.k8s(profile), searchableKinds([...kinds.values()]), namespace, {
      signal: abort.signal,
      onKind: (objs) => {
        const more = objs.map((o) => {
          const hint = `${o.resource.kind}${o.namespace ? ` in ${o.namespace}` : ''}`;
          return { o, kindId: resourceId(o.resource), hint, key: itemText(o.name, hint) };
        });
        setIndex((cur) => cur.concat(more));
      },
    });
    return () => abort.abort();
  }, [profile, namespace, discovered === undefined]); // eslint-disable-line react-hooks/exhaustive-deps -- once per opening, again when discovery first answers
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box);

  const selectionActions = selection ? actionsFor(selection) : [];
  const actionAccesses = useAccessList(selection ? selectionActions.map((a) => actionAccess(selection, a)) : []);
  const deniedKey = actionAccesses.map((a) => (a && !a.allowed ? a.reason : '')).join('|');
  const items = useMemo<Item[]>(
    () =>
      paletteItems({
        profile,
        namespace,
        discovered,
        selection,
        denied: deniedKey.split('|'),
        profiles,
        namespaces: namespaces.set.rows.map((r) => r.name),
        nav: services.store.getState(),
        runAction: (sel, a) => void runObjectAction(services, sel, a),
      }),
    [profile, namespace, discovered, selection, profiles, namespaces.set.rows, services, deniedKey],
  );
  const staticSource = useMemo<SearchSource<Item>>(() => {
    const key = cachedKey((i: Item) => itemText(i.label, i.hint));
    return { items, key, toItem: (i) => i };
  }, [items]);
  // The rows on screen: a row's text is cached by the row (a watch event replaces the row), for
  // as long as the view stays.
  const kindOnScreen = view.kind === 'list' ? view.resource.kind : '';
  const rowKey = useMemo(() => cachedKey((row: Row) => itemText(row.name, rowHint(kindOnScreen, row))), [kindOnScreen]);
  const rowSource = useMemo<SearchSource<Row>>(() => {
    if (view.kind !== 'list') return { items: [], key: () => '', toItem: () => ({ id: '', label: '', hint: '', run() {} }) };
    return {
      items: rows,
      key: rowKey,
      toItem: (row) => ({
        id: `obj:${row.key}`,
        label: row.name,
        hint: rowHint(view.resource.kind, row),
        run: () => select({ resource: view.resource, namespace: row.namespace, name: row.name }),
      }),
    };
  }, [view, rows, rowKey, select]);
  // Objects of every kind, searched only once something is typed (the kind on screen is already in the rows).
  const objectSource = useMemo<SearchSource<Indexed>>(() => {
    const onScreen = view.kind === 'list' ? resourceId(view.resource) : '';
    return {
      items: index,
      key: (x) => x.key,
      skip: (x) => x.kindId === onScreen,
      toItem: ({ o, kindId, hint }) => ({
        id: `any:${kindId}:${o.namespace}/${o.name}`,
        label: o.name,
        hint,
        run: () => {
          showList(o.resource);
          select({ resource: o.resource, namespace: o.namespace, name: o.name });
        },
      }),
    };
  }, [index, view, showList, select]);

  const [search] = useState(createPaletteSearch);
  const shown = useMemo(
    () => search.search(query.trim() ? [staticSource, rowSource, objectSource] : [staticSource, rowSource], query, 60),
    [search, staticSource, rowSource, objectSource, query],
  );
  useEffect(() => {
    listRef.current?.children[active]?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const run = (i: Item | undefined) => {
    if (!i || i.denied) return;
    close();
    i.run();
  };

  return (
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="dialog palette"
        ref={box}
        tabIndex={-1}
        data-testid="command-palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
      >
        <input
          autoFocus
          placeholder="Jump to a kind or an object…"
          value={query}
          data-testid="palette-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive(Math.min(active + 1, shown.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive(Math.max(active - 1, 0));
            } else if (e.key === 'Enter') run(shown[active]);
          }}
        />
        {/* data-query: the query these results are for (the UI bench times a keystroke to it). */}
        <ul ref={listRef} role="listbox" data-query={query}>
          {shown.map((i, n) => (
            <li
              key={i.id}
              role="option"
              aria-selected={n === active}
              aria-disabled={i.denied ? true : undefined}
              title={i.denied}
              className={`${n === active ? 'active' : ''}${i.denied ? ' denied' : ''}`}
              data-testid="palette-item"
              onMouseEnter={() => setActive(n)}
              onClick={() => run(i)}
            >
              <span>{i.label}</span>
              <span className="spacer" />
              <span className="muted small">{i.hint}</span>
            </li>
          ))}
          {!shown.length && <li className="muted">Nothing matches.</li>}
        </ul>
      </div>
    </div>
  );
}
