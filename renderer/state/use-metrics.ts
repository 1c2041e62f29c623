// The polling hook over the profile's metrics sampler (renderer/k8s/metrics-sampler.ts): a view
// that shows usage subscribes to the list it needs, which polls only while such a view is mounted.
import { useCallback, useSyncExternalStore } from 'react';
import type { MetricsList, MetricsSampler, UsageSeries } from '../k8s/metrics-sampler';
import { useApp, useServices } from './services';

/** The selected profile's sampler (one per profile, kept by the services). */
export function useMetricsSampler(): MetricsSampler | undefined {
  const services = useServices();
  const profile = useApp((s) => s.profile);
  return profile ? services.metrics(profile) : undefined;
}

export interface MetricsView {
  /** A node's ("name") or pod's ("namespace/name") series, when metrics.k8s.io has one. */
  series(key: string): UsageSeries | undefined;
  available?: boolean;
}

/** Subscribes to `list` (undefined: nothing) and re-renders after every sample. */
export function useMetrics(list: MetricsList | undefined): MetricsView {
  const sampler = useMetricsSampler();
  const subscribe = useCallback(
    (onChange: () => void) => (sampler && list ? sampler.subscribe(list, onChange) : () => {}),
    [sampler, list],
  );
  // The version changes with every sample, so the series read below are current at render.
  // (The same getter serves a server render: the detail views' tests render to a string.)
  const version = () => sampler?.version() ?? 0;
  useSyncExternalStore(subscribe, version, version);
  return {
    series: (key) => (sampler && list ? sampler.series(list, key) : undefined),
    available: sampler?.available(),
  };
}
