// Usage of a node or pod from metrics.k8s.io, charted over the last samples. Renders nothing
// until the cluster serves metrics (or when it does not), so clusters without it look as before.
import { nodesList, podsList, type UsageSeries } from '../../k8s/metrics-sampler';
import { formatBytes, formatCpu } from '../../k8s/quantity';
import type { KubeObject } from '../../k8s/types';
import { useApp } from '../../state/services';
import { useMetrics } from '../../state/use-metrics';
import { Sparkline } from '../sparkline';

export const cpuText = (millicores: number | undefined) => formatCpu((millicores ?? NaN) / 1000);
export const memText = (bytes: number | undefined) => formatBytes(bytes ?? NaN);

function UsageCharts({ series, of, testid }: { series: UsageSeries; of: string; testid: string }) {
  const samples = series.cpu.length;
  return (
    <section data-testid={testid}>
      <h3>
        Usage{' '}
        <span className="muted small">
          (last {samples} sample{samples === 1 ? '' : 's'})
        </span>
      </h3>
      <div className="usage-grid">
        <span>CPU</span>
        <Sparkline values={series.cpu.values()} width={160} height={26} zero label={cpuText(series.cpu.last())} title={`CPU of ${of}`} />
        <span>Memory</span>
        <Sparkline
          values={series.memory.values()}
          width={160}
          height={26}
          label={memText(series.memory.last())}
          title={`Memory of ${of}`}
        />
      </div>
    </section>
  );
}

export function NodeUsage({ name }: { name: string }) {
  const series = useMetrics(nodesList).series(name);
  return series ? <UsageCharts series={series} of={`node ${name}`} testid="node-usage" /> : null;
}

/**
 * The pod's series. With all namespaces shown, the all-namespaces list (the one other views
 * share); otherwise the pod's own namespace, which is also right when it is not the current one.
 */
export function usePodSeries(pod: KubeObject): UsageSeries | undefined {
  const current = useApp((s) => s.namespace);
  const ns = pod.metadata.namespace ?? 'default';
  return useMetrics(podsList(current ? ns : '')).series(`${ns}/${pod.metadata.name ?? ''}`);
}

export function PodUsage({ series, name }: { series?: UsageSeries; name: string }) {
  return series ? <UsageCharts series={series} of={`pod ${name} (all containers)`} testid="pod-usage" /> : null;
}
