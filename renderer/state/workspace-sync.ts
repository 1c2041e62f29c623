// Keeps the URL and the host's copy of the workspace in step with the store: the URL fragment
// follows every navigation (a new history entry, so back and forward work), and popstate goes
// back where the URL points; the workspace is saved shortly after each change, on a slow tick
// for shell screens, and once more with keepalive when the page goes away.
import type { Workspace } from '../../electron/host/protocol';
import type { AppStore } from './app-store';
import { formatRoute, parseRoute } from './route';
import { routeOf, workspaceOf } from './workspace-slice';

export interface WorkspaceSyncDeps {
  store: AppStore;
  save: (ws: Workspace, keepalive: boolean) => Promise<void>;
  win: Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;
  /** A pod shell's current screen text, by tab id. */
  scrollback: (tabId: string) => string | undefined;
  /** Save delay after a change (ms). */
  delayMs?: number;
  /** How often shell screens are looked at (ms). */
  tickMs?: number;
}

export function startWorkspaceSync(d: WorkspaceSyncDeps): () => void {
  const delay = d.delayMs ?? 250;
  let lastRoute = '';
  let lastSaved = '';
  let inflight = false;
  let popping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const snapshot = () => {
    const s = d.store.getState();
    return JSON.stringify(workspaceOf(s, formatRoute(routeOf(s)), d.scrollback));
  };
  const save = (keepalive = false) => {
    if (!d.store.getState().workspaceReady) return;
    const text = snapshot();
    if (text === lastSaved || (inflight && !keepalive)) return;
    lastSaved = text;
    inflight = true;
    d.save(JSON.parse(text) as Workspace, keepalive).then(
      () => {
        inflight = false;
        schedule(); // what changed while this save was on its way
      },
      () => {
        inflight = false;
        lastSaved = ''; // try again on the next change or tick
      },
    );
  };
  // Throttled, not debounced: live lists change the store all the time, a draft must still go out.
  function schedule() {
    timer ??= setTimeout(() => {
      timer = undefined;
      save();
    }, delay);
  }

  const followStore = () => {
    const s = d.store.getState();
    if (!s.workspaceReady) return;
    const route = formatRoute(routeOf(s));
    const hash = `#${route}`;
    if (popping) return; // the moves of a goto are one step back or forward, not entries
    if (route !== lastRoute && d.win.location.hash !== hash) {
      // The first route replaces the entry the page loaded with; later ones are new entries.
      if (lastRoute) d.win.history.pushState(null, '', hash);
      else d.win.history.replaceState(null, '', hash);
    }
    lastRoute = route;
    schedule();
  };
  const onPop = () => {
    const loc = parseRoute(d.win.location.hash);
    if (!loc || formatRoute(loc) === lastRoute) return;
    popping = true;
    try {
      d.store.getState().goto(loc);
    } finally {
      popping = false;
    }
    // Where the store landed (a pending kind, an unknown profile) replaces the entry.
    lastRoute = formatRoute(routeOf(d.store.getState()));
    if (d.win.location.hash !== `#${lastRoute}`) d.win.history.replaceState(null, '', `#${lastRoute}`);
    schedule();
  };
  const onHide = () => save(true);

  const unsubscribe = d.store.subscribe(followStore);
  followStore();
  const tick = setInterval(() => save(), d.tickMs ?? 2000);
  d.win.addEventListener('popstate', onPop);
  d.win.addEventListener('hashchange', onPop);
  d.win.addEventListener('pagehide', onHide);
  return () => {
    unsubscribe();
    clearTimeout(timer);
    clearInterval(tick);
    d.win.removeEventListener('popstate', onPop);
    d.win.removeEventListener('hashchange', onPop);
    d.win.removeEventListener('pagehide', onHide);
  };
}
