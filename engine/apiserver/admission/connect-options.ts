// The object a CONNECT request is admitted with, as kube-apiserver builds it from the query:
// PodExecOptions, PodAttachOptions or PodPortForwardOptions (webhooks matching pods/exec read
// the command, container and tty from it).
import type { KubeObject } from '../../kinds/types';
import { boolParam } from '../request-options';

export function connectOptions(subresource: string, q: URLSearchParams): KubeObject {
  const streams = () => ({
    stdin: boolParam(q, 'stdin') ?? false,
    stdout: boolParam(q, 'stdout') ?? false,
    stderr: boolParam(q, 'stderr') ?? false,
    tty: boolParam(q, 'tty') ?? false,
    ...(q.get('container') ? { container: q.get('container') } : {}),
  });
  // No ObjectMeta on the wire (these kinds have none); `metadata` stays an empty placeholder.
  if (subresource === 'exec') return { kind: 'PodExecOptions', apiVersion: 'v1', metadata: {}, ...streams(), command: q.getAll('command') };
  if (subresource === 'attach') return { kind: 'PodAttachOptions', apiVersion: 'v1', metadata: {}, ...streams() };
  return { kind: 'PodPortForwardOptions', apiVersion: 'v1', metadata: {}, ports: q.getAll('ports').map(Number) };
}
