// core/v1 Node: STATUS (Ready/NotReady/Unknown, SchedulingDisabled), ROLES from
// node-role.kubernetes.io/* labels, VERSION, and the wide address/OS columns.
import type { FieldError, KubeObject } from '../types';
import { defineKind } from './define-kind';
import { ageColumn, column, nameColumn } from '../printing';
import { invalid, isQualifiedName, index, child, oneOf, required } from '../validation/validation';
import type { Condition } from '../../apimachinery/workload-types';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function nodeStatus(node: KubeObject): string {
  const ready = (node.status?.conditions ?? []).find((c: Condition) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function address(node: KubeObject, type: string): string {
  return (node.status?.addresses ?? []).find((a: { type: string; address: string }) => a.type === type)?.address ?? '<none>';
}

const info = (node: KubeObject, field: string) => node.status?.nodeInfo?.[field] || '<unknown>';

export const nodeKind = defineKind({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  shortNames: ['no'],
  namespaced: false,
  subresources: { status: true },
  model: 'V1Node',
  printerColumns: [
    nameColumn(),
    column('Status', 'string', 'The status of the node', nodeStatus),
    column('Roles', 'string', 'The roles of the node', nodeRoles),
    ageColumn(),
    column('Version', 'string', 'Kubelet version reported by the node.', (n) => n.status?.nodeInfo?.kubeletVersion ?? ''),
    column('Internal-IP', 'string', 'First InternalIP address of the node.', (n) => address(n, 'InternalIP'), 1),
    column('External-IP', 'string', 'First ExternalIP address of the node.', (n) => address(n, 'ExternalIP'), 1),
    column('OS-Image', 'string', 'OS image reported by the node.', (n) => info(n, 'osImage'), 1),
    column('Kernel-Version', 'string', 'Kernel version reported by the node.', (n) => info(n, 'kernelVersion'), 1),
    column('Container-Runtime', 'string', 'Container runtime version reported by the node.', (n) => info(n, 'containerRuntimeVersion'), 1),
  ],
  fieldSelectors: { 'spec.unschedulable': (n) => String(n.spec?.unschedulable === true) },
  defaults: (n) => {
    // Allocatable defaults to capacity when the kubelet does not report it.
    if (n.status?.capacity && !n.status.allocatable) n.status.allocatable = { ...n.status.capacity };
  },
  validate: (n) => {
    const errs: FieldError[] = [];
    for (const [i, t] of (n.spec?.taints ?? []).entries()) {
      const p = index('spec.taints', i);
      if (!t.key) errs.push(invalid(child(p, 'key'), '', 'name part must be non-empty'));
      else for (const m of isQualifiedName(t.key)) errs.push(invalid(child(p, 'key'), t.key, m));
      if (!t.effect) errs.push(required(child(p, 'effect')));
      else errs.push(...oneOf(child(p, 'effect'), t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
    return errs;
  },
});
