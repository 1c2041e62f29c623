/* eslint-disable @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// The API server's way to joined nodes' streams: for every Node a node agent registered (its
// runtime annotation `joined`, its endpoint port and certificate fingerprint), a remote
// NodeStreams at its InternalIP, with the API server's kubelet-client certificate (issued from
// the cluster CA on the first such node), as kube-apiserver dials kubelets.
import { createInformer } from '../client/informer';
import type { NodeStreamsRegistry } from '../client/node-streams';
import {
  AGENT_CERT_ANNOTATION,
  AGENT_ENDPOINT_ANNOTATION,
  KUBELET_CLIENT_USER,
  createRemoteNodeStreams,
} from '../client/remote-node-streams';
import type { RemoteNodeOptions } from '../client/remote-node-streams';
import { R, type KubeClient } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { NODE_RUNTIME_ANNOTATION } from '../kubelet/simulated-node';

export interface RemoteNodeFollower {
  set(node: string, agent: RemoteNodeOptions): void;
  delete(node: string): void;
}

export function watchRemoteNodes(o: {
  client: KubeClient;
  registry: NodeStreamsRegistry;
  caCert: string;
  caKey: string;
  log: (line: string) => void;
  /** Told of each joined node's endpoint as it appears or changes, and when its Node goes (usage scrapes, network credentials). */
  followers?: RemoteNodeFollower[];
}): { stop(): void } {
  const nodes = createInformer(o.client, R.nodes, { log: o.log });
  let creds: Promise<{ cert: string; key: string }> | undefined;
  const known = new Map<string, string>();

  async function sync(n: KubeObject) {
    const a = n.metadata.annotations ?? {};
    const name = n.metadata.name!;
    const ip = (n.status?.addresses as { type: string; address: string }[] | undefined)?.find((x) => x.type === 'InternalIP')?.address;
    if (a[NODE_RUNTIME_ANNOTATION] !== 'joined' || !a[AGENT_ENDPOINT_ANNOTATION] || !a[AGENT_CERT_ANNOTATION] || !ip) return;
    const key = `${ip}:${a[AGENT_ENDPOINT_ANNOTATION]}/${a[AGENT_CERT_ANNOTATION]}`;
    if (known.get(name) === key) return;
    known.set(name, key);
    creds ??= import('../pki/create-pki').then((m) => m.issueClientCert(o.caCert, o.caKey, KUBELET_CLIENT_USER, []));
    const c = await creds;
    const agent: RemoteNodeOptions = {
      host: ip,
      port: Number(a[AGENT_ENDPOINT_ANNOTATION]),
      fingerprint: a[AGENT_CERT_ANNOTATION],
      clientCert: c.cert,
      clientKey: c.key,
    };
    o.registry.set(name, createRemoteNodeStreams(agent));
    for (const f of o.followers ?? []) f.set(name, agent);
  }
  const onErr = (e: Error) => o.log(`remote nodes: ${e.message}`);
  nodes.addHandlers({
    add: (n) => void sync(n).catch(onErr),
    update: (_o, n) => void sync(n).catch(onErr),
    delete: (n) => {
      if (!known.delete(n.metadata.name!)) return;
      o.registry.delete(n.metadata.name!);
      for (const f of o.followers ?? []) f.delete(n.metadata.name!);
    },
  });
  void nodes.start().catch(onErr);
  return { stop: () => nodes.stop() };
}
