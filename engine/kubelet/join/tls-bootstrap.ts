/* eslint-disable @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// The kubelet's TLS bootstrap: a fresh key and a CSR for CN system:node:<name> in O system:nodes
// (signer kubernetes.io/kube-apiserver-client-kubelet), sent with the bootstrap token; the
// cluster's approver and signer answer with the certificate in status.certificate. Renewal is
// the same request made with the node's current certificate (then it is "selfnodeclient").
import { R, type KubeClient } from '../../client/types';
import { KUBELET_CLIENT_SIGNER, csrCondition } from '../../kinds/defs/kinds-certificates';
import { createCsr } from '../../pki/csr';
import type { KubeObject } from '../../kinds/types';
import { JoinError } from './discovery';

export interface NodeCredentials {
  cert: string;
  key: string;
}

export async function requestNodeCertificate(
  client: KubeClient,
  nodeName: string,
  opts: { timeoutMs?: number; expirationSeconds?: number } = {},
): Promise<NodeCredentials> {
  const { csr, key } = await createCsr({ commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] });
  const created = await client
    .create(R.csrs, undefined, {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { generateName: `node-csr-${nodeName}-` },
      spec: {
        request: Buffer.from(csr).toString('base64'),
        signerName: KUBELET_CLIENT_SIGNER,
        usages: ['digital signature', 'client auth'],
        ...(opts.expirationSeconds ? { expirationSeconds: opts.expirationSeconds } : {}),
      },
    })
    .catch((e: { code?: number; message?: string }) => {
      if (e.code === 401)
        throw new JoinError('the cluster refused the token (unknown, deleted or expired); make a new one with: skiff token create');
      throw new JoinError(`cannot ask for a node certificate: ${e.message}`);
    });
  const name = created.metadata.name!;
  const cert = await waitForCertificate(client, name, opts.timeoutMs ?? 60_000);
  return { cert, key };
}

/** Polls the CSR (the bootstrap token may not list or watch others' CSRs, only get this one). */
async function waitForCertificate(client: KubeClient, name: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const csr: KubeObject = await client.get(R.csrs, undefined, name);
    if (csr.status?.certificate) return Buffer.from(csr.status.certificate as string, 'base64').toString();
    const denied = csrCondition(csr, 'Denied') ?? csrCondition(csr, 'Failed');
    if (denied)
      throw new JoinError(`certificate request ${name} was ${denied.type.toLowerCase()}: ${denied.message ?? denied.reason ?? ''}`);
    if (Date.now() > deadline)
      throw new JoinError(
        `certificate request ${name} was not approved within ${timeoutMs / 1000} s; approve it on the cluster with: kubectl certificate approve ${name}`,
      );
    await new Promise((r) => setTimeout(r, delay));
  }
}
