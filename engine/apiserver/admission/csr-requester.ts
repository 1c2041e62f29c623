/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- stored objects' spec/status are untyped JSON */
// Who asked for a certificate is the API server's to say, never the request's: on create, a
// CertificateSigningRequest's spec.username, uid, groups and extra are set from the requesting
// user (upstream's csr strategy PrepareForCreate). The approver trusts these fields.
import type { AdmissionPlugin } from './admission-chain';

export function createCsrRequesterAdmission(): AdmissionPlugin {
  return {
    name: 'CertificateSigningRequestRequester',
    appliesTo: (def) => def.group === 'certificates.k8s.io' && def.plural === 'certificatesigningrequests',
    admit(def, obj, old, _dryRun, request) {
      if (old || def.group !== 'certificates.k8s.io' || def.plural !== 'certificatesigningrequests') return Promise.resolve();
      const spec = (obj.spec ??= {});
      delete spec.username;
      delete spec.uid;
      delete spec.groups;
      delete spec.extra;
      // In-process callers (the cluster's own parts) carry no request: nobody is named.
      if (!request) return Promise.resolve();
      spec.username = request.user.user;
      if (request.user.uid) spec.uid = request.user.uid;
      spec.groups = [...request.user.groups];
      if (request.user.extra) spec.extra = request.user.extra;
      return Promise.resolve();
    },
  };
}
