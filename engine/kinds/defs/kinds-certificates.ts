/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- stored objects' spec/status are untyped JSON (validation reads them before their types are known) */
// certificates.k8s.io/v1 CertificateSigningRequest: a client asks the cluster CA for a
// certificate (a joining node's kubelet client cert). Who asked is filled in by the API server
// (spec.username/uid/groups, admission/csr-requester.ts), approval goes through the /approval
// subresource and the signed certificate through /status (apiserver/subresources-certificates.ts).
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { forbidden, invalid, notSupported, required } from '../validation/field-errors';
import { deepEqual, isQualifiedName } from '../validation/validation';
import { humanDuration } from '../human-duration';
import type { Condition } from '../../apimachinery/workload-types';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

const USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
];
const CONDITIONS = ['Approved', 'Denied', 'Failed'];

/** The PEM text of spec.request (base64 of the PEM, as []byte fields travel in JSON), or undefined. */
export function csrRequestPem(csr: KubeObject): string | undefined {
  const r = csr.spec?.request;
  if (typeof r !== 'string' || !r) return undefined;
  const pem = Buffer.from(r, 'base64').toString('utf8');
  return /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----/.test(pem) ? pem : undefined;
}

/** The condition of this type with status True, if any. */
export function csrCondition(csr: KubeObject, type: string): Condition | undefined {
  const list: Condition[] = csr.status?.conditions ?? [];
  return list.find((c) => c.type === type && c.status === 'True');
}

function conditionCell(csr: KubeObject): string {
  const conditions: Condition[] = csr.status?.conditions ?? [];
  const list = conditions.filter((c) => c.status === 'True').map((c) => c.type);
  if (csr.status?.certificate) list.push('Issued');
  return list.length ? list.join(',') : 'Pending';
}

function validateCsr(csr: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = csr.spec ?? {};
  if (!spec.request) errs.push(required('spec.request'));
  else if (!csrRequestPem(csr)) errs.push(invalid('spec.request', '<bytes>', 'PEM block type must be CERTIFICATE REQUEST'));
  if (!spec.signerName) errs.push(required('spec.signerName'));
  else if (!String(spec.signerName).includes('/'))
    errs.push(
      invalid('spec.signerName', spec.signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'"),
    );
  else for (const m of isQualifiedName(String(spec.signerName).split('/')[0])) errs.push(invalid('spec.signerName', spec.signerName, m));
  if (!Array.isArray(spec.usages) || !spec.usages.length) errs.push(required('spec.usages'));
  else
    spec.usages.forEach((u: unknown, i: number) => USAGES.includes(u as string) || errs.push(notSupported(`spec.usages[${i}]`, u, USAGES)));
  if (spec.expirationSeconds !== undefined && !(Number.isInteger(spec.expirationSeconds) && spec.expirationSeconds >= 600))
    errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  const conds: Condition[] = csr.status?.conditions ?? [];
  conds.forEach((c, i) => {
    if (!c.type) errs.push(required(`status.conditions[${i}].type`));
    if (c.status !== undefined && !['True', 'False', 'Unknown'].includes(c.status))
      errs.push(notSupported(`status.conditions[${i}].status`, c.status, ['True', 'False', 'Unknown']));
    if (CONDITIONS.includes(c.type) && conds.findIndex((d) => d.type === c.type) !== i)
      errs.push({ field: `status.conditions[${i}].type`, reason: 'FieldValueDuplicate', message: `Duplicate value: "${c.type}"` });
  });
  if (csrCondition(csr, 'Approved') && csrCondition(csr, 'Denied'))
    errs.push(invalid('status.conditions', 'Approved', 'Approved and Denied conditions are mutually exclusive'));
  if (old) {
    if (!deepEqual(csr.spec, old.spec)) errs.push(forbidden('spec', 'field is immutable'));
    for (const t of ['Approved', 'Denied'])
      if (csrCondition(old, t) && !csrCondition(csr, t))
        errs.push(forbidden('status.conditions', `updates may not remove a condition of type "${t}"`));
    if (old.status?.certificate && csr.status?.certificate !== old.status.certificate)
      errs.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

export const certificateSigningRequestKind = defineKind({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  shortNames: ['csr'],
  namespaced: false,
  model: 'V1CertificateSigningRequest',
  subresources: { status: true },
  fieldSelectors: { 'spec.signerName': (o) => o.spec?.signerName ?? '' },
  printerColumns: [
    nameColumn(),
    ageColumn(),
    column('SignerName', 'string', 'The signer the request is for.', (o) => o.spec?.signerName ?? ''),
    column('Requestor', 'string', 'The user who made the request.', (o) => o.spec?.username ?? ''),
    column('RequestedDuration', 'string', 'The validity the request asks for.', (o) =>
      typeof o.spec?.expirationSeconds === 'number' ? humanDuration(o.spec.expirationSeconds * 1000) : '<none>',
    ),
    column('Condition', 'string', 'Approved, Denied, Failed and Issued.', conditionCell),
  ],
  defaults: (csr) => {
    csr.spec ??= {};
    if (Array.isArray(csr.spec.usages) && !csr.spec.usages.length) delete csr.spec.usages;
  },
  validate: validateCsr,
  prepareForStatusUpdate: (csr, old) => {
    // Approval is /approval's: a status write keeps the old Approved and Denied conditions.
    const keep = ((old.status?.conditions ?? []) as Condition[]).filter((c) => c.type === 'Approved' || c.type === 'Denied');
    const rest = ((csr.status?.conditions ?? []) as Condition[]).filter((c) => c.type !== 'Approved' && c.type !== 'Denied');
    csr.status = { ...(csr.status ?? {}), conditions: [...keep, ...rest] };
    if (!csr.status.conditions.length) delete csr.status.conditions;
  },
  prepareForCreate: (csr) => {
    // Status is the signer's and the approver's: a create starts with none.
    delete csr.status;
  },
});
