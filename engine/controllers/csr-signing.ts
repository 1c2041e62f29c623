/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// The CSR signer (kube-controller-manager's csrsigning with the cluster CA): an approved
// request for signer kubernetes.io/kube-apiserver-client-kubelet gets its certificate in
// status.certificate, valid for spec.expirationSeconds (at most a year, as
// --cluster-signing-duration's default). A request the signer will not sign gets a Failed condition.
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { KubeObject } from '../kinds/types';
import { KUBELET_CLIENT_SIGNER, csrCondition, csrRequestPem } from '../kinds/defs/kinds-certificates';
import { readCsr, signCsr } from '../pki/csr';
import { isKubeletClientRequest } from './csr-approving';
import type { Controller, ControllerDeps } from './types';

const MAX_SECONDS = 365 * 24 * 3600;

export function createCsrSigningController(deps: ControllerDeps): Controller {
  const { client, informers, log } = deps;
  const csrs = informers.informer(R.csrs);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`csrsigning ${k}: ${(e as Error).message}`) });

  async function sync(name: string) {
    const csr = csrs.get(undefined, name);
    if (!csr || csr.spec?.signerName !== KUBELET_CLIENT_SIGNER || !deps.caCert || !deps.caKey) return;
    if (!csrCondition(csr, 'Approved') || csrCondition(csr, 'Failed') || csr.status?.certificate) return;
    const pem = csrRequestPem(csr);
    const usages = (csr.spec.usages ?? []) as string[];
    const facts = pem ? await readCsr(pem).catch(() => undefined) : undefined;
    // The signer holds its own rules, whoever approved: only kubelet client certificates.
    if (!pem || !facts || !isKubeletClientRequest(facts, usages))
      return fail(csr, 'SignerValidationFailure', 'the request is not a valid kubelet client certificate request');
    const seconds = Math.min(typeof csr.spec.expirationSeconds === 'number' ? csr.spec.expirationSeconds : MAX_SECONDS, MAX_SECONDS);
    const cert = await signCsr(pem, { cert: deps.caCert, key: deps.caKey }, { usages, seconds, now: deps.now() });
    await client.update(
      R.csrs,
      undefined,
      { ...structuredClone(csr), status: { ...(csr.status ?? {}), certificate: Buffer.from(cert).toString('base64') } },
      { subresource: 'status' },
    );
    log(`csrsigning: signed ${name} (${facts.commonName})`);
  }

  async function fail(csr: KubeObject, reason: string, message: string) {
    const now = deps
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const conditions = [
      ...((csr.status?.conditions ?? []) as object[]),
      { type: 'Failed', status: 'True', reason, message, lastUpdateTime: now, lastTransitionTime: now },
    ];
    await client.update(
      R.csrs,
      undefined,
      { ...structuredClone(csr), status: { ...(csr.status ?? {}), conditions } },
      { subresource: 'status' },
    );
  }

  return {
    name: 'csrsigning',
    start() {
      csrs.addHandlers({ add: (c) => queue.add(c.metadata.name!), update: (_o, c) => queue.add(c.metadata.name!) });
    },
    stop: () => queue.stop(),
  };
}
