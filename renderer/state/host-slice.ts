// The store's host slice: what the app host knows (app info, local clusters, profiles,
// kubeconfig sources, port-forwards) kept current from its events, and the cluster actions.
// A cluster starting, stopping or going away moves the user (see settle and forget).
import type {
  AppInfo,
  LocalCluster,
  PortForward,
  ProfileSource,
  ProfileSummary,
  StartClusterRequest,
  Workspace,
} from '../../electron/host/protocol';
import { errorText } from '../k8s/errors';
import type { SliceContext } from './slice-context';
import { landingRoutes } from './workspace-slice';

export interface HostSlice {
  app?: AppInfo;
  hostError?: string;
  hostConnected: boolean;
  loaded: boolean;
  clusters: Record<string, LocalCluster>;
  profiles: ProfileSummary[];
  /** Kubeconfig files and folders read, with their problems (from the 'profile-sources' events). */
  profileSources: ProfileSource[];
  /** The profile whose exec-plugin consent dialog is open. */
  consentFor?: string;
  /** The host's port-forwards (from 'port-forwards' events) and whether their list is open. */
  forwards: PortForward[];
  forwardsOpen: boolean;

  init(): () => void;
  startCluster(req: StartClusterRequest): Promise<void>;
  clusterAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<void>;
  deleteCluster(name: string): Promise<void>;
  askConsent(profile: string | undefined): void;
  /**
   * Sends a request the host answers with a profile's summary (consent, namespaces) and shows
   * that answer before its event arrives, unless a 'profiles' event arrived while it ran.
   */
  updateProfile(request: () => Promise<ProfileSummary>): Promise<ProfileSummary>;
  setForwardsOpen(open: boolean): void;
}

/** The profile that reaches a local cluster (its kubeconfig context name). */
export const localProfile = (c: LocalCluster) => c.profile || `skiff-${c.name}`;

export function createHostSlice({ set, get, deps }: SliceContext): HostSlice {
  const setCluster = (c: LocalCluster) => {
    set((s) => ({ clusters: { ...s.clusters, [c.name]: c } }));
    const s = get();
    // The overview as soon as the API answers: it shows the node turning Ready (the CLI returns then too).
    if (s.following === c.name && (c.state === 'running' || (c.state === 'starting' && c.apiReady))) {
      set({ following: undefined, profile: localProfile(c), view: { kind: 'overview' }, selection: undefined });
      get().loadDiscovery(localProfile(c), true);
    } else if (s.loaded && !s.profile && !s.following && s.view.kind === 'start' && c.state !== 'stopped') {
      // On the first-run screen a cluster started elsewhere (`skiff start`, another window) is followed.
      settle();
    }
  };

  /**
   * A cluster snapshot from a POST answer: kept only if no event about the cluster arrived
   * while the request ran (events are newer). Shows the progress view unless it already ran.
   */
  const adopt = (c: LocalCluster, before: LocalCluster | undefined) => {
    if (get().clusters[c.name] === before) setCluster(c);
    if (get().following === c.name) set({ following: c.name, view: { kind: 'progress', cluster: c.name } });
  };

  /** A cluster is gone (deleted here, or elsewhere): if it was on screen, move on. */
  const forget = (name: string) => {
    const s = get();
    const gone = s.clusters[name];
    const profile = gone ? localProfile(gone) : `skiff-${name}`;
    const rest = { ...s.clusters };
    delete rest[name];
    set({ clusters: rest, ...(s.following === name ? { following: undefined } : {}) });
    const viewing = s.profile === profile || (s.view.kind === 'progress' && s.view.cluster === name);
    if (!viewing) return;
    set({ profile: undefined, selection: undefined });
    const other = get().profiles.find((p) => p.status === 'ready' && p.name !== profile);
    const running = Object.values(get().clusters).find((c) => c.state === 'running');
    if (running) get().selectProfile(localProfile(running));
    else if (other) get().selectProfile(other.name);
    else set({ view: { kind: 'start' } });
  };

  /** After the first load: pick a profile, follow a start in progress, or show first run. */
  const settle = () => {
    const s = get();
    if (s.profile || s.following) return;
    const clusters = Object.values(s.clusters);
    const starting = clusters.find((c) => c.state === 'starting');
    const running = clusters.find((c) => c.state === 'running');
    const ready = s.profiles.find((p) => p.status === 'ready');
    if (running) set({ profile: localProfile(running), view: { kind: 'overview' } });
    else if (ready) set({ profile: ready.name, view: { kind: 'overview' } });
    else if (starting) set({ following: starting.name, view: { kind: 'progress', cluster: starting.name } });
    else if (s.profiles[0]) set({ profile: s.profiles[0].name, view: { kind: 'overview' } });
    else set({ view: { kind: 'start' } });
    const p = get().profile;
    if (p) get().loadDiscovery(p);
  };

  const fail = (what: string) => (e: unknown) => get().toast(`${what}: ${errorText(e)}`, 'bad');

  return {
    hostConnected: false,
    loaded: false,
    clusters: {},
    profiles: [],
    profileSources: [],
    forwards: [],
    forwardsOpen: false,

    init() {
      const stop = deps.host.subscribe(
        (ev) => {
          if (ev.type === 'cluster') setCluster(ev.cluster);
          else if (ev.type === 'cluster-deleted') forget(ev.name);
          else if (ev.type === 'profiles') set({ profiles: ev.profiles });
          else if (ev.type === 'port-forwards') set({ forwards: ev.forwards });
          else if (ev.type === 'profile-sources') set({ profileSources: ev.sources });
        },
        (connected) => set({ hostConnected: connected }),
      );
      const saved = deps.workspace ? deps.workspace.load().catch(() => undefined) : Promise.resolve(undefined);
      const listed = deps.host.clusters();
      listed.catch(() => {}); // awaited below; not unhandled meanwhile
      const land = (ws: Workspace | undefined) => {
        performance.mark('skiff:landed');
        set({ loaded: true, hostError: undefined });
        // A link or the saved workspace decides where to land; else the usual choice.
        const landed = get().restoreWorkspace(ws, deps.workspace?.route);
        if (!landed) settle();
        else if (get().profile) get().loadDiscovery(get().profile!);
      };
      Promise.all([deps.host.app(), deps.host.profiles(), saved])
        .then(async ([app, profiles, ws]) => {
          set({ app, profiles });
          // The cluster list asks every local cluster whether it is ready (seconds when one is
          // busy): a route to a profile already listed lands without waiting for it.
          const first = landingRoutes(ws, deps.workspace?.route)[0];
          const early = !!first?.profile && profiles.some((p) => p.name === first.profile);
          if (early) land(ws);
          const clusters = await listed;
          set((s) => ({ clusters: { ...Object.fromEntries(clusters.map((c) => [c.name, c])), ...s.clusters } }));
          if (!early) land(ws);
        })
        .catch((e) => set({ hostError: errorText(e), loaded: true }));
      return stop;
    },

    async startCluster(req) {
      // Follow before asking: progress events may arrive before the POST answers.
      const name = req.name;
      const before = name ? get().clusters[name] : undefined;
      if (name) set({ following: name, selection: undefined });
      try {
        const c = await deps.host.startCluster(req);
        adopt(c, before);
      } catch (e) {
        if (name && get().following === name) set({ following: undefined });
        fail('Could not start the cluster')(e);
        throw e;
      }
    },

    async clusterAction(name, action) {
      const before = get().clusters[name];
      if (action !== 'stop') set({ following: name, selection: undefined });
      try {
        const c = await deps.host.clusterAction(name, action);
        adopt(c, before);
        if (action === 'stop') get().toast(`Stopped cluster ${name}`, 'ok');
      } catch (e) {
        if (get().following === name) set({ following: undefined });
        fail(`Could not ${action} cluster ${name}`)(e);
      }
    },

    async deleteCluster(name) {
      try {
        await deps.host.deleteCluster(name);
        forget(name);
        get().toast(`Deleted cluster ${name}`, 'ok');
      } catch (e) {
        fail(`Could not delete cluster ${name}`)(e);
      }
    },

    askConsent: (consentFor) => set({ consentFor }),
    async updateProfile(request) {
      // Events are newer than an answer that arrives after them (the check that consent starts
      // can end first), and the host sends only a list that changed: an answer applied over
      // such an event would stay, e.g. a ready profile shown as unknown for good.
      const before = get().profiles;
      const p = await request();
      if (get().profiles === before) set((s) => ({ profiles: s.profiles.map((x) => (x.name === p.name ? p : x)) }));
      return p;
    },
    setForwardsOpen: (forwardsOpen) => set({ forwardsOpen }),
  };
}
