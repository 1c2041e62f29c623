// core/v1 kinds with small specs: Namespace, ConfigMap, Secret, ServiceAccount, Endpoints, Binding.
import type { FieldError, KubeObject } from '../types';
import { CREATE_ONLY, defineKind } from './define-kind';
import { validateEndpointsAddresses } from '../endpoint-addresses';
import { ageColumn, column, nameColumn } from '../printing';
import {
  child,
  deepEqual,
  forbidden,
  invalid,
  isConfigMapKey,
  key,
  required,
  tooLong,
  FIELD_IMMUTABLE,
  isQualifiedName,
  index,
} from '../validation/validation';

const MAX_DATA_SIZE = 1024 * 1024;
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

export const namespaceKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  shortNames: ['ns'],
  namespaced: false,
  // Namespaces are removed by the namespace controller, so there is no deletecollection.
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: true },
  model: 'V1Namespace',
  printerColumns: [nameColumn(), column('Status', 'string', 'The status of the namespace', (o) => o.status?.phase ?? ''), ageColumn()],
  fieldSelectors: { 'status.phase': (o) => o.status?.phase ?? '' },
  defaults: (ns) => {
    // Every namespace carries its own name as a label, so selectors can pick namespaces by name.
    if (ns.metadata.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
    ns.status ??= {};
    ns.status.phase ??= 'Active';
  },
  prepareForCreate: (ns) => {
    ns.status = { phase: 'Active' };
    const finalizers: string[] = (ns.spec ??= {}).finalizers ?? [];
    if (!finalizers.includes('kubernetes')) ns.spec.finalizers = [...finalizers, 'kubernetes'];
  },
  // spec.finalizers change only through /finalize, status only through /status.
  prepareForUpdate: (ns, old) => {
    if (old.spec?.finalizers) (ns.spec ??= {}).finalizers = old.spec.finalizers;
    else if (ns.spec) delete ns.spec.finalizers;
    if (old.status !== undefined) ns.status = old.status;
  },
  validate: (ns) => {
    const errs: FieldError[] = [];
    (ns.spec?.finalizers ?? []).forEach((f: string, i: number) => {
      if (f !== 'kubernetes' && !f.includes('/')) {
        errs.push(invalid(index('spec.finalizers', i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
      } else if (f !== 'kubernetes') for (const m of isQualifiedName(f)) errs.push(invalid(index('spec.finalizers', i), f, m));
    });
    return errs;
  },
});

function validateDataKeys(obj: KubeObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const f of fields) {
    for (const [k, v] of Object.entries<string>(obj[f] ?? {})) {
      for (const m of isConfigMapKey(k)) errs.push(invalid(key(f, k), k, m));
      const other = fields.find((o) => o !== f && obj[o] && Object.prototype.hasOwnProperty.call(obj[o], k));
      if (other && f === fields[0]) errs.push(invalid(key(f, k), k, `duplicate of key present in ${other}`));
      size += String(v ?? '').length;
    }
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE));
  return errs;
}

function validateImmutableData(obj: KubeObject, old: KubeObject | undefined, fields: string[]): FieldError[] {
  if (!old || old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_SET));
  for (const f of fields) if (!deepEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, IMMUTABLE_SET));
  return errs;
}

export const configMapKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  shortNames: ['cm'],
  namespaced: true,
  model: 'V1ConfigMap',
  printerColumns: [
    nameColumn(),
    column(
      'Data',
      'string',
      'Number of data entries (data and binaryData).',
      (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
    ),
    ageColumn(),
  ],
  validate: (cm, old) => [...validateDataKeys(cm, ['data', 'binaryData']), ...validateImmutableData(cm, old, ['data', 'binaryData'])],
});

/** Keys each built-in secret type must carry. */
const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export const secretKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  model: 'V1Secret',
  printerColumns: [
    nameColumn(),
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.', (o) => o.type ?? ''),
    column('Data', 'string', 'Number of data entries.', (o) => Object.keys(o.data ?? {}).length),
    ageColumn(),
  ],
  fieldSelectors: { type: (o) => o.type ?? '' },
  defaults: (s) => {
    s.type ??= 'Opaque';
    // stringData is write-only: it is merged into data (base64) and never stored.
    if (s.stringData) {
      s.data ??= {};
      for (const [k, v] of Object.entries<string>(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete s.stringData;
    }
  },
  validate: (s, old) => {
    const errs = validateDataKeys(s, ['data']);
    for (const k of SECRET_REQUIRED_KEYS[s.type] ?? []) if (!(k in (s.data ?? {}))) errs.push(required(key('data', k)));
    if (s.type === 'kubernetes.io/service-account-token' && !s.metadata.annotations?.['kubernetes.io/service-account.name']) {
      errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
    }
    if (s.type === 'kubernetes.io/basic-auth' && !('username' in (s.data ?? {})) && !('password' in (s.data ?? {}))) {
      errs.push(required(key('data', 'username'), 'must have at least one of username or password'));
    }
    if (old && (old.type ?? 'Opaque') !== s.type) errs.push(invalid('type', s.type, FIELD_IMMUTABLE));
    return [...errs, ...validateImmutableData(s, old, ['data'])];
  },
});

export const serviceAccountKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  shortNames: ['sa'],
  namespaced: true,
  model: 'V1ServiceAccount',
  printerColumns: [
    nameColumn(),
    column('Secrets', 'string', 'Secrets of this service account.', (o) => (o.secrets ?? []).length),
    ageColumn(),
  ],
});

/** ENDPOINTS cell: up to three "ip:port" entries then "+ N more...". */
export function formatEndpoints(ep: KubeObject): string {
  const subsets: { addresses?: { ip: string }[]; ports?: { port: number }[] }[] = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // Headless services may have no ports: show bare IPs.
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(String(a.ip).includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
    }
  }
  const text = list.join(',');
  return count > 3 ? `${text} + ${count - 3} more...` : text;
}

export const endpointsKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  model: 'V1Endpoints',
  printerColumns: [
    nameColumn(),
    column('Endpoints', 'string', 'Addresses and ports of the endpoints.', (o) => formatEndpoints(o)),
    ageColumn(),
  ],
  defaults: (ep) => {
    for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ??= 'TCP';
  },
  validate: (ep) => validateEndpointsAddresses(ep),
});

export const bindingKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  namespaced: true,
  verbs: CREATE_ONLY,
  virtual: true,
  model: 'V1Binding',
  validate: (b) => (b.target?.name ? [] : [required(child('target', 'name'))]),
});
