/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/require-await -- stored objects' spec/status are untyped JSON; admission steps are async by interface though these checks need no I/O */
// NodeRestriction admission (upstream plugin/pkg/admission/noderestriction): a kubelet
// (system:node:<name> in system:nodes) may write only its own Node and Lease, the status of pods
// bound to it, delete those pods, and create only mirror pods bound to itself. It may not change
// its Node's taints, nor set labels under node-restriction.kubernetes.io/ or kubernetes.io/ and
// k8s.io labels that are not the kubelet's own (kubernetes.io/hostname, topology, ...).
import type { KindDef, KubeObject } from '../../kinds/types';
import type { AdmissionPlugin } from './admission-chain';
import type { AdmissionRequest } from './admission-request';
import { forbiddenFor } from '../authz/forbidden';
import { nodeNameOf } from '../authz/users';

const MIRROR = 'kubernetes.io/config.mirror';
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
]);

const prefixOf = (label: string) => (label.includes('/') ? label.slice(0, label.indexOf('/')) : '');
const within = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);
const isKubernetesLabel = (label: string) => within(prefixOf(label), 'kubernetes.io') || within(prefixOf(label), 'k8s.io');
const isKubeletLabel = (label: string) =>
  KUBELET_LABELS.has(label) || within(prefixOf(label), 'kubelet.kubernetes.io') || within(prefixOf(label), 'node.kubernetes.io');

/** Labels a node may not set (upstream's getForbiddenLabels). */
export function forbiddenNodeLabels(labels: Iterable<string>): string[] {
  const out: string[] = [];
  for (const l of labels) {
    if (within(prefixOf(l), 'node-restriction.kubernetes.io') || (isKubernetesLabel(l) && !isKubeletLabel(l))) out.push(l);
  }
  return out.sort();
}

function changedLabels(obj: KubeObject, old: KubeObject): string[] {
  const a = obj.metadata.labels ?? {};
  const b = old.metadata.labels ?? {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
}

export function createNodeRestrictionAdmission(): AdmissionPlugin {
  const refuse = (def: KindDef, name: string | undefined, why: string) => forbiddenFor(def.group, def.plural, name ?? '', why);
  const nodeOf = (request: AdmissionRequest | undefined) => (request ? nodeNameOf(request.user) : undefined);

  function admitPod(node: string, def: KindDef, obj: KubeObject, old: KubeObject | undefined, subresource: string | undefined) {
    const name = obj.metadata.name;
    if (!old) {
      if (obj.metadata.annotations?.[MIRROR] === undefined)
        throw refuse(def, name, `pod does not have "${MIRROR}" annotation, node "${node}" can only create mirror pods`);
      if (obj.spec?.nodeName !== node) throw refuse(def, name, `node "${node}" can only create pods with spec.nodeName set to itself`);
      return;
    }
    if (subresource !== 'status') throw refuse(def, name, `node "${node}" can only update pod status`);
    if (old.spec?.nodeName !== node)
      throw refuse(def, name, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
  }

  function admitNode(node: string, def: KindDef, obj: KubeObject, old: KubeObject | undefined) {
    const name = obj.metadata.name;
    if (name !== node) throw refuse(def, name, `node "${node}" is not allowed to modify node "${name}"`);
    if (!old) {
      const bad = forbiddenNodeLabels(Object.keys(obj.metadata.labels ?? {}));
      if (bad.length) throw refuse(def, name, `node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`);
      return;
    }
    // A node that could drop its taints could steer workloads it must not run onto itself.
    if (JSON.stringify(obj.spec?.taints ?? []) !== JSON.stringify(old.spec?.taints ?? []))
      throw refuse(def, name, `node "${node}" is not allowed to modify taints`);
    const bad = forbiddenNodeLabels(changedLabels(obj, old));
    if (bad.length) throw refuse(def, name, `node "${node}" is not allowed to modify labels: ${bad.join(', ')}`);
  }

  function admitLease(node: string, def: KindDef, obj: KubeObject) {
    if (obj.metadata.namespace !== 'kube-node-lease' || obj.metadata.name !== node)
      throw refuse(def, obj.metadata.name, `can only access node lease with the same name as the requesting node`);
  }

  return {
    name: 'NodeRestriction',
    appliesTo: (def) =>
      (def.group === '' && (def.plural === 'pods' || def.plural === 'nodes')) ||
      (def.group === 'coordination.k8s.io' && def.plural === 'leases'),
    async admit(def, obj, old, _dryRun, request, subresource) {
      const node = nodeOf(request);
      if (node === undefined) return;
      if (def.group === '' && def.plural === 'pods') admitPod(node, def, obj, old, subresource);
      else if (def.group === '' && def.plural === 'nodes') admitNode(node, def, obj, old);
      else if (def.group === 'coordination.k8s.io' && def.plural === 'leases') admitLease(node, def, obj);
    },
    async admitDelete(def, obj, _dryRun, request) {
      const node = nodeOf(request);
      if (node === undefined) return;
      const name = obj.metadata.name;
      if (def.group === '' && def.plural === 'pods' && obj.spec?.nodeName !== node)
        throw refuse(def, name, `node "${node}" can only delete pods with spec.nodeName set to itself`);
      if (def.group === '' && def.plural === 'nodes' && name !== node)
        throw refuse(def, name, `node "${node}" is not allowed to modify node "${name}"`);
      if (def.group === 'coordination.k8s.io' && def.plural === 'leases') admitLease(node, def, obj);
    },
  };
}
