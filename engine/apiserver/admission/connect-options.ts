// The object a CONNECT request is admitted with, as kube-apiserver builds it from the query:
// PodExecOptions, PodAttachOptions or PodPortForwardOptions (webhooks matching pods/exec read
// the command, container and tty from it), and Pod/Service/NodeProxyOptions for the proxy
// subresources (their `path` is what follows .../proxy/).
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

const PROXY_OPTIONS: Record<string, string> = { Pod: 'PodProxyOptions', Service: 'ServiceProxyOptions', Node: 'NodeProxyOptions' };

/** The proxy subresources' options: `path` as upstream fills it, without the leading slash. */
export function proxyOptions(kind: string, path: string): KubeObject {
  const rest = path.replace(/^\//, '');
  return { kind: PROXY_OPTIONS[kind] ?? `${kind}ProxyOptions`, apiVersion: 'v1', metadata: {}, ...(rest ? { path: rest } : {}) };
}

/** The object a CONNECT is admitted on: the URL's name (with its port, for proxies) and namespace. */
export function connectTarget(name: string, namespace: string | undefined): KubeObject {
  return { metadata: { name, ...(namespace ? { namespace } : {}) } };
}

/**
 * request.kind of a CONNECT: the options' kind (upstream registers the connect subresources with
 * their options type, so a webhook on pods/exec sees v1 PodExecOptions).
 */
export function connectKind(options: KubeObject | undefined): { group: string; version: string; kind: string } | undefined {
  return options?.kind ? { group: '', version: 'v1', kind: options.kind } : undefined;
}
