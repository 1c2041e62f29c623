/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// The CSR approver (kube-controller-manager's csrapproving): a request for a kubelet client
// certificate (signer kubernetes.io/kube-apiserver-client-kubelet, CN system:node:<name>,
// O system:nodes, no alternative names, client-auth usages) is approved when its requester may
// create certificatesigningrequests/nodeclient (a bootstrap token, through kubeadm's binding)
// or, for a node renewing its own certificate, .../selfnodeclient — asked as a SubjectAccessReview.
import { R } from '../client/types';
import { createWorkQueue } from '../client/work-queue';
import type { KubeObject } from '../kinds/types';
import { KUBELET_CLIENT_SIGNER, csrCondition, csrRequestPem } from '../kinds/defs/kinds-certificates';
import { readCsr, type CsrFacts } from '../pki/csr';
import type { Controller, ControllerDeps } from './types';

const NODE_PREFIX = 'system:node:';
const ALLOWED_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);

/** Whether a request is shaped like a kubelet client certificate (upstream's ValidateKubeletClientCSR). */
export function isKubeletClientRequest(facts: CsrFacts, usages: string[]): boolean {
  return (
    facts.signatureValid &&
    facts.commonName.startsWith(NODE_PREFIX) &&
    facts.commonName.length > NODE_PREFIX.length &&
    facts.organizations.length === 1 &&
    facts.organizations[0] === 'system:nodes' &&
    facts.altNames.length === 0 &&
    usages.includes('client auth') &&
    usages.every((u) => ALLOWED_USAGES.has(u))
  );
}

export function createCsrApprovingController(deps: ControllerDeps): Controller {
  const { client, informers, log } = deps;
  const csrs = informers.informer(R.csrs);
  const queue = createWorkQueue({ sync, onError: (k, e) => log(`csrapproving ${k}: ${(e as Error).message}`) });

  async function sync(name: string) {
    const csr = csrs.get(undefined, name);
    if (!csr || csr.spec?.signerName !== KUBELET_CLIENT_SIGNER) return;
    if (csrCondition(csr, 'Approved') || csrCondition(csr, 'Denied') || csr.status?.certificate) return;
    const pem = csrRequestPem(csr);
    if (!pem || !deps.accessReview) return;
    const facts = await readCsr(pem).catch(() => undefined);
    if (!facts || !isKubeletClientRequest(facts, (csr.spec.usages ?? []) as string[])) return;
    const self = csr.spec.username === facts.commonName;
    const allowed = await deps.accessReview({
      user: csr.spec.username ?? '',
      uid: csr.spec.uid,
      groups: csr.spec.groups,
      extra: csr.spec.extra,
      resourceAttributes: {
        group: 'certificates.k8s.io',
        resource: 'certificatesigningrequests',
        subresource: self ? 'selfnodeclient' : 'nodeclient',
        verb: 'create',
      },
    });
    if (!allowed) return; // left for an administrator (kubectl certificate approve)
    await approve(csr);
  }

  async function approve(csr: KubeObject) {
    const now = deps
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const conditions = [
      ...((csr.status?.conditions ?? []) as object[]),
      {
        type: 'Approved',
        status: 'True',
        reason: 'AutoApproved',
        message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
    ];
    await client.update(
      R.csrs,
      undefined,
      { ...structuredClone(csr), status: { ...(csr.status ?? {}), conditions } },
      { subresource: 'approval' },
    );
    log(`csrapproving: approved ${csr.metadata.name} for ${csr.spec?.username}`);
  }

  return {
    name: 'csrapproving',
    start() {
      csrs.addHandlers({ add: (c) => queue.add(c.metadata.name!), update: (_o, c) => queue.add(c.metadata.name!) });
    },
    stop: () => queue.stop(),
  };
}
