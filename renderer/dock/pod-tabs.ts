// Dock tabs for a pod: its logs (one tab per pod) and a shell (a new one each time), opened
// from the detail panel, the table keys and the palette alike.
import type { KubeObject } from '../k8s/types';
import type { LogsTab, ShellTab } from '../state/types';

export function podContainers(pod: KubeObject): string[] {
  const containers = (pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers;
  return (containers ?? []).map((c) => c.name);
}

export function podLogsTab(profile: string, pod: KubeObject): LogsTab {
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  return {
    id: `logs:${profile}:${ns}/${name}`,
    type: 'logs',
    title: `Logs ${name}`,
    profile,
    namespace: ns,
    pod: name,
    containers: podContainers(pod),
  };
}

let seq = 0;

export function podShellTab(profile: string, pod: KubeObject): ShellTab {
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  // Unique across reloads too: restored tabs keep their ids.
  const id = `shell:${profile}:${ns}/${name}:${Date.now().toString(36)}-${++seq}`;
  return { id, type: 'shell', title: `Shell ${name}`, profile, namespace: ns, pod: name, containers: podContainers(pod) };
}
