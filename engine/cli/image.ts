/* eslint-disable @typescript-eslint/no-unsafe-argument -- the API's JSON answers are read as untyped JSON, as node.ts does */
// `skiff image load IMAGE [--node N]`: copies an image from this machine's Docker to joined
// machines' Docker (as `kind load docker-image` and `k3d image import` do), for images built
// locally when no registry is reachable. The `docker save` stream goes straight to each node
// agent's endpoint (POST /images/load), authenticated as the API server is there: a client
// certificate for kube-apiserver-kubelet-client issued from the cluster CA (this machine holds
// it), and the agent's certificate pinned by the fingerprint its Node publishes.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { SkiffError } from '../cluster/errors';
import { checkClusterName, clusterPaths, defaultDataDir } from '../cluster/paths';
import { AGENT_CERT_ANNOTATION, AGENT_ENDPOINT_ANNOTATION, KUBELET_CLIENT_USER } from '../client/remote-node-streams';
import { PKI_FILES } from '../pki/load-or-create-pki';
import type { CliIo } from './io';
import { nodeApiFromKubeconfig } from './node-api';

export const IMAGE_HELP = `Usage: skiff image load IMAGE... [--node NODE] [--name CLUSTER] [--data-dir DIR]

  load IMAGE    copy IMAGE from this machine's Docker to every joined machine's Docker
                (--node: only that node's machine), like kind load docker-image`;

interface Target {
  node: string;
  host: string;
  port: number;
  fingerprint: string;
}

export async function imageCommand(argv: string[], io: CliIo): Promise<number> {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') {
      io.out(IMAGE_HELP);
      return 0;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      positional.push(argv[i]);
      continue;
    }
    if (!['node', 'name', 'data-dir'].includes(m[1]))
      throw new SkiffError(`unknown flag --${m[1]} for "skiff image"`, 'run "skiff image --help" for usage');
    const v = m[2] ?? argv[++i];
    if (!v || v.startsWith('--')) throw new SkiffError(`--${m[1]} needs a value`, `write --${m[1]} VALUE`);
    flags.set(m[1], v);
  }
  const [action, ...images] = positional;
  if (action !== 'load')
    throw new SkiffError(action ? `unknown image action "${action}"` : 'missing image action', 'use skiff image load IMAGE');
  if (!images.length) throw new SkiffError('"skiff image load" needs an image', 'write skiff image load IMAGE');
  const name = flags.get('name') ?? 'local';
  checkClusterName(name);
  const paths = clusterPaths(flags.has('data-dir') ? resolve(flags.get('data-dir')!) : defaultDataDir(io.env), name);
  const api = nodeApiFromKubeconfig(paths.kubeconfig, name);
  type NodeJson = {
    metadata: { name: string; annotations?: Record<string, string> };
    status?: { addresses?: { type: string; address: string }[] };
  };
  const nodes = ((await api.call('GET', '/api/v1/nodes')).body.items ?? []) as NodeJson[];
  const wanted = flags.get('node');
  if (wanted && !nodes.some((n) => n.metadata.name === wanted)) throw new SkiffError(`node "${wanted}" not found`, 'see skiff node list');
  const targets: Target[] = [];
  for (const n of nodes) {
    if (wanted && n.metadata.name !== wanted) continue;
    const a = n.metadata.annotations ?? {};
    const host = (n.status?.addresses ?? []).find((x) => x.type === 'InternalIP')?.address;
    if (a['skiff.dev/node-runtime'] !== 'joined' || !a[AGENT_ENDPOINT_ANNOTATION] || !host) {
      if (wanted) throw new SkiffError(`node "${wanted}" runs on this machine`, 'its pods already use this Docker: nothing to copy');
      continue;
    }
    targets.push({ node: n.metadata.name, host, port: Number(a[AGENT_ENDPOINT_ANNOTATION]), fingerprint: a[AGENT_CERT_ANNOTATION] });
  }
  if (!targets.length) {
    io.out("no joined machines: every node uses this machine's Docker already");
    return 0;
  }
  const { Docker } = await import('../docker/dockerode');
  const docker = new Docker();
  for (const image of images)
    await docker
      .getImage(image)
      .inspect()
      .catch(() => {
        throw new SkiffError(`image "${image}" is not in this machine's Docker`, `build or pull it first (docker images ${image})`);
      });
  const { issueClientCert } = await import('../pki/create-pki');
  const caCert = readFileSync(join(paths.pki, PKI_FILES.caCert), 'utf8');
  const caKey = readFileSync(join(paths.pki, PKI_FILES.caKey), 'utf8');
  const creds = await issueClientCert(caCert, caKey, KUBELET_CLIENT_USER, []);
  let failed = 0;
  for (const t of targets) {
    for (const image of images) {
      const t0 = performance.now();
      try {
        const said = await post(t, creds, await docker.getImage(image).get());
        io.out(`${image} loaded on node ${t.node} (${t.host}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${said}`);
      } catch (e) {
        failed++;
        io.err(`skiff: node ${t.node} (${t.host}): ${(e as Error).message}`);
      }
    }
  }
  return failed ? 1 : 0;
}

function post(t: Target, creds: { cert: string; key: string }, tar: NodeJS.ReadableStream): Promise<string> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: t.host,
        port: t.port,
        path: '/images/load',
        method: 'POST',
        cert: creds.cert,
        key: creds.key,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const msg = (() => {
            try {
              return String((JSON.parse(text) as { message?: string }).message ?? text);
            } catch {
              return text;
            }
          })();
          if (res.statusCode === 200) ok(msg);
          else fail(new Error(`the node agent answered ${res.statusCode}: ${msg}`));
        });
      },
    );
    req.on('socket', (s) =>
      s.on('secureConnect', () => {
        if ((s as TLSSocket).getPeerCertificate()?.fingerprint256 !== t.fingerprint)
          req.destroy(new Error(`the node agent at ${t.host}:${t.port} presented an unexpected certificate`));
      }),
    );
    req.on('error', fail);
    tar.on('error', (e) => req.destroy(e));
    tar.pipe(req);
  });
}
