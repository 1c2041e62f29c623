// What components need from outside React: the app store, the host client and a Kubernetes
// client per profile. Made once in main.tsx and passed down by context (no module singletons).
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createHostClient, type HostClient } from '../host/host-client';
import { fetchEventSource } from '../host/fetch-event-source';
import { createHostSession, sessionFetch } from '../host/session';
import { createAccessReviewer, forgetOnForbidden, type AccessReviewer } from '../k8s/access';
import { createK8sClient, tableAccept, type FetchFn, type K8sClient } from '../k8s/client';
import { createCrdCache, type CrdCache } from '../k8s/crd-cache';
import { createDiscoveryCache } from '../k8s/discovery-cache';
import type { K8sError } from '../k8s/errors';
import { createMetricsSampler, type MetricsSampler } from '../k8s/metrics-sampler';
import { createPrimedFetch } from '../k8s/primed-fetch';
import { createStreamSlots, type StreamSlots } from '../k8s/stream-slots';
import { createAppStore, type AppState, type AppStore } from './app-store';
import { firstPageUrl } from './prime-route';
import { parseRoute } from './route';

export interface Services {
  store: AppStore;
  host: HostClient;
  k8s(profile: string): K8sClient;
  fetch: FetchFn;
  /** ws://host:port for WebSocket URLs. */
  wsOrigin: string;
  /** A WebSocket to the host: the caller's protocols plus the session one. */
  socket: (url: string, protocols?: string[]) => WebSocket;
  /** Connection slots for watches and followed logs (see stream-slots.ts). */
  slots: StreamSlots;
  /** metrics.k8s.io samples per profile, shared by every view that charts usage. */
  metrics(profile: string): MetricsSampler;
  /** What the profile's identity may do (access reviews, cached per namespace). */
  access(profile: string): AccessReviewer;
  /** The CRDs custom-resource panels read, reused while their resourceVersion holds. */
  crds(profile: string): CrdCache;
  /** Pod shells register how to read their screen text (kept with the workspace), by tab id. */
  scrollback: Map<string, () => string>;
}

export function createServices(win: Window): Services {
  const session = createHostSession(win.sessionStorage);
  const fetch: FetchFn = sessionFetch((input, init) => win.fetch(input, init), session, win.location.origin);
  const primed = createPrimedFetch(fetch);
  const clients = new Map<string, K8sClient>();
  const reviewers = new Map<string, AccessReviewer>();
  const k8s = (profile: string) => {
    let c = clients.get(profile);
    if (!c) {
      const onForbidden = (err: K8sError, path: string) => forgetOnForbidden(reviewers.get(profile), err, path);
      clients.set(profile, (c = createK8sClient({ profile, fetch: primed.fetch, onForbidden })));
    }
    return c;
  };
  const samplers = new Map<string, MetricsSampler>();
  const metrics = (profile: string) => {
    let m = samplers.get(profile);
    if (!m) samplers.set(profile, (m = createMetricsSampler({ client: k8s(profile) })));
    return m;
  };
  const access = (profile: string) => {
    let a = reviewers.get(profile);
    if (!a) reviewers.set(profile, (a = createAccessReviewer({ client: k8s(profile) })));
    return a;
  };
  const crdCaches = new Map<string, CrdCache>();
  const crds = (profile: string) => {
    let c = crdCaches.get(profile);
    if (!c) crdCaches.set(profile, (c = createCrdCache({ client: k8s(profile) })));
    return c;
  };
  const host = createHostClient({
    fetch,
    eventSource: (url) => fetchEventSource(fetch, url),
  });
  const route = parseRoute(win.location.hash);
  const store = createAppStore({
    host,
    k8s,
    workspace: { load: () => host.workspace(), route },
    discoveryCache: createDiscoveryCache(win.sessionStorage),
  });
  // A reload's list is asked for now, beside the host's data, not after it and React's first render.
  const first = firstPageUrl(route, (profile, path, query) => k8s(profile).url(path, query));
  if (first) primed.prime(first, tableAccept);
  const wsOrigin = `${win.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${win.location.host}`;
  const socket = (url: string, protocols: string[] = []) => new WebSocket(url, session.protocols(protocols));
  return { store, host, k8s, fetch, wsOrigin, socket, slots: createStreamSlots(), metrics, access, crds, scrollback: new Map() };
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('ServicesContext missing');
  return s;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useServices().store, selector);
}

/** The Kubernetes client of the selected profile (undefined before one is chosen). */
export function useK8s(): K8sClient | undefined {
  const services = useServices();
  const profile = useApp((s) => s.profile);
  return profile ? services.k8s(profile) : undefined;
}
