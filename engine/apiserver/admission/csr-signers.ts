/* eslint-disable @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// Upstream's three certificate admission plugins (plugin/pkg/admission/certificates), which make
// the `signers` resource mean something: RBAC grants on certificatesigningrequests/approval or
// /status alone are not enough.
//   CertificateApproval: approving or denying (the approval subresource) needs `approve` on
//     signers/<signerName> (or signers/<domain>/*).
//   CertificateSigning: setting or changing status.certificate needs `sign` on the signer.
//   CertificateSubjectRestriction: no request for the kube-apiserver-client signer may ask for
//     the system:masters group (its certificate would be a cluster administrator's).
import type { KindDef, KubeObject } from '../../kinds/types';
import type { AdmissionPlugin } from './admission-chain';
import type { AdmissionRequest } from './admission-request';
import type { AuthorizeFn } from './cel-authorizer';
import { KUBE_APISERVER_CLIENT_SIGNER, csrRequestPem } from '../../kinds/defs/kinds-certificates';
import { readCsr } from '../../pki/csr';
import { forbiddenFor } from '../authz/forbidden';
import { errors } from '../status';

const GROUP = 'certificates.k8s.io';
const isCsr = (def: KindDef) => def.group === GROUP && def.plural === 'certificatesigningrequests';

export function createCsrSignerAdmission(authorize: AuthorizeFn | undefined): AdmissionPlugin {
  /** upstream's IsAuthorizedForSignerName: the signer by name, else its domain wildcard. */
  async function mayForSigner(request: AdmissionRequest, verb: 'approve' | 'sign', signerName: string): Promise<boolean> {
    if (!authorize) return true; // no authorizer configured: nothing is restricted
    const ask = (name: string) =>
      authorize({
        user: request.user,
        verb,
        resourceRequest: true,
        path: '',
        apiGroup: GROUP,
        apiVersion: '*',
        namespace: '',
        resource: 'signers',
        subresource: '',
        name,
      });
    if ((await ask(signerName)).allowed) return true;
    const slash = signerName.indexOf('/');
    return slash > 0 && (await ask(`${signerName.slice(0, slash)}/*`)).allowed;
  }

  const refuse = (obj: KubeObject, why: string) => forbiddenFor(GROUP, 'certificatesigningrequests', obj.metadata.name ?? '', why);

  return {
    name: 'CertificateSigners',
    admit: () => Promise.resolve(),
    appliesTo: isCsr,
    async admitValid(def, obj, old, _dryRun, request, subresource) {
      // In-process callers (the cluster's own parts) carry no request: they are trusted.
      if (!isCsr(def) || !request) return;
      const signerName = String(old?.spec?.signerName ?? obj.spec?.signerName ?? '');
      if (!old) {
        if (signerName !== KUBE_APISERVER_CLIENT_SIGNER) return;
        const pem = csrRequestPem(obj);
        const facts = pem ? await readCsr(pem).catch(() => undefined) : undefined;
        if (!facts) throw errors.badRequest('failed to parse CSR');
        if (facts.organizations.includes('system:masters'))
          throw refuse(obj, `use of ${signerName} signer with system:masters group is not allowed`);
        return;
      }
      if (subresource === 'approval' && !(await mayForSigner(request, 'approve', signerName)))
        throw refuse(obj, `user not permitted to approve requests with signerName "${signerName}"`);
      if (subresource === 'status' && obj.status?.certificate !== old.status?.certificate) {
        if (!(await mayForSigner(request, 'sign', signerName)))
          throw refuse(obj, `user not permitted to sign requests with signerName "${signerName}"`);
      }
    },
  };
}
