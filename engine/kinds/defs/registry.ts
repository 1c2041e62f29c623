// The catalogue of built-in kinds and the lookups the API server, CLI and UI need:
// by URL resource, by kind, by kubectl-style name (plural, singular or short name),
// and the group/versions to advertise in discovery.
import type { KindDef } from '../types';
import type { NameKind } from '../../apimachinery/validation-strings';
import { podKind } from './kinds-core-pod';
import { bindingKind, configMapKind, endpointsKind, namespaceKind, secretKind, serviceAccountKind } from './kinds-core';
import { eventKind } from './kinds-core-event';
import { eventsV1Kind } from './kinds-events';
import { apiServiceKind } from './kinds-apiregistration';
import { mutatingWebhookConfigurationKind, validatingWebhookConfigurationKind } from './kinds-admissionregistration';
import { validatingAdmissionPolicyBindingKind, validatingAdmissionPolicyKind } from './kinds-admission-policy';
import { nodeKind } from './kinds-core-node';
import { serviceKind } from './kinds-core-service';
import { persistentVolumeClaimKind, persistentVolumeKind } from './kinds-core-storage';
import { limitRangeKind, replicationControllerKind, resourceQuotaKind } from './kinds-core-workloads';
import { controllerRevisionKind, deploymentKind, replicaSetKind } from './kinds-apps';
import { daemonSetKind, statefulSetKind } from './kinds-apps-stateful';
import { cronJobKind, jobKind } from './kinds-batch';
import { hpaV1Kind, hpaV2Kind } from './kinds-autoscaling';
import { podDisruptionBudgetKind } from './kinds-policy';
import { endpointSliceKind, ingressClassKind, ingressKind, networkPolicyKind } from './kinds-networking';
import { clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind } from './kinds-rbac';
import { customResourceDefinitionKind } from '../custom/crd-kind';
import { certificateSigningRequestKind } from './kinds-certificates';
import { leaseKind, priorityClassKind, selfSubjectReviewKind, storageClassKind, tokenReviewKind } from './kinds-other';
import {
  localSubjectAccessReviewKind,
  selfSubjectAccessReviewKind,
  selfSubjectRulesReviewKind,
  subjectAccessReviewKind,
} from './kinds-authorization';

export { evictionKind } from './kinds-policy';

/**
 * Every built-in kind, each listed once per served version, in discovery order.
 * Eviction is not here: it only exists as the pods/eviction subresource (see evictionKind).
 */
export function builtinKinds(): KindDef[] {
  return [
    bindingKind,
    configMapKind,
    endpointsKind,
    eventKind,
    limitRangeKind,
    namespaceKind,
    nodeKind,
    persistentVolumeClaimKind,
    persistentVolumeKind,
    podKind,
    replicationControllerKind,
    resourceQuotaKind,
    secretKind,
    serviceAccountKind,
    serviceKind,
    controllerRevisionKind,
    daemonSetKind,
    deploymentKind,
    replicaSetKind,
    statefulSetKind,
    selfSubjectReviewKind,
    tokenReviewKind,
    localSubjectAccessReviewKind,
    selfSubjectAccessReviewKind,
    selfSubjectRulesReviewKind,
    subjectAccessReviewKind,
    hpaV2Kind,
    hpaV1Kind,
    cronJobKind,
    jobKind,
    ingressClassKind,
    ingressKind,
    networkPolicyKind,
    podDisruptionBudgetKind,
    clusterRoleBindingKind,
    clusterRoleKind,
    roleBindingKind,
    roleKind,
    storageClassKind,
    mutatingWebhookConfigurationKind,
    validatingWebhookConfigurationKind,
    validatingAdmissionPolicyKind,
    validatingAdmissionPolicyBindingKind,
    customResourceDefinitionKind,
    apiServiceKind,
    priorityClassKind,
    certificateSigningRequestKind,
    leaseKind,
    endpointSliceKind,
    // After core/v1 Event, whose definition owns the shared key space.
    eventsV1Kind,
  ];
}

/** "v1" for the core group, "apps/v1" otherwise. */
export function apiVersionOf(def: Pick<KindDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Which name rule metadata.name follows for this kind (for validateObjectMeta). */
export function nameKindOf(def: Pick<KindDef, 'group' | 'kind'>): NameKind {
  if (def.group === '' && def.kind === 'Namespace') return 'label';
  if (def.group === '' && def.kind === 'Service') return 'dns1035-label';
  if (def.group === 'rbac.authorization.k8s.io') return 'path-segment';
  // "v1." names the core group's APIService; the kind checks the name is version.group.
  if (def.group === 'apiregistration.k8s.io') return 'path-segment';
  return 'subdomain';
}

/** Kubernetes version order: GA before beta before alpha, higher numbers first. */
function versionRank(v: string): number[] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return [0, 0, 0];
  return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
}

/** Negative when `a` is the higher-priority version (sorts first). */
export function compareVersions(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface GroupVersion {
  group: string;
  version: string;
  preferred: boolean;
}

export interface KindRegistry {
  all(): KindDef[];
  /** By URL segments; `plural` is the resource name as it appears in the path. */
  byResource(group: string, version: string, plural: string): KindDef | undefined;
  /** By kind; without a version, the group's preferred version. */
  byKind(group: string, kind: string, version?: string): KindDef | undefined;
  /**
   * kubectl-style lookup by plural, singular, short name or kind (case-insensitive), optionally
   * qualified as "name.group" (e.g. "deploy", "deployments.apps", "HPA"). Preferred versions win.
   */
  resolve(name: string): KindDef | undefined;
  /** Group/versions in discovery order; `preferred` marks each group's preferred version. */
  groupVersions(): GroupVersion[];
}

export interface MutableKindRegistry extends KindRegistry {
  /**
   * Replaces the kinds served from CustomResourceDefinitions. A custom kind never shadows a
   * built-in one with the same group/version/resource.
   */
  setCustomKinds(defs: KindDef[]): void;
}

export function createKindRegistry(builtin: KindDef[]): MutableKindRegistry {
  let index = buildIndex([...builtin]);
  const builtinKeys = new Set(builtin.map(resourceKey));
  return {
    all: () => [...index.list],
    byResource: (group, version, plural) => index.resources.get(`${group}/${version}/${plural}`),
    byKind: (group, kind, version) => index.byKind(group, kind, version),
    resolve: (name) => index.resolve(name),
    groupVersions: () => index.groupVersions(),
    setCustomKinds(defs) {
      index = buildIndex([...builtin, ...defs.filter((d) => !builtinKeys.has(resourceKey(d)))]);
    },
  };
}

const resourceKey = (d: KindDef) => `${d.group}/${d.version}/${d.plural}`;

function buildIndex(list: KindDef[]) {
  const resources = new Map(list.map((d) => [resourceKey(d), d]));
  const versionsByGroup = new Map<string, string[]>();
  for (const d of list) {
    const vs = versionsByGroup.get(d.group) ?? [];
    if (!vs.includes(d.version)) vs.push(d.version);
    versionsByGroup.set(d.group, vs);
  }
  for (const vs of versionsByGroup.values()) vs.sort(compareVersions);
  const preferred = (group: string) => versionsByGroup.get(group)?.[0];
  // Preferred versions first, so resolve() returns them before older versions.
  const byPreference = [...list].sort((a, b) => Number(b.version === preferred(b.group)) - Number(a.version === preferred(a.group)));

  function byKind(group: string, kind: string, version?: string): KindDef | undefined {
    const v = version ?? preferred(group);
    return list.find((d) => d.group === group && d.kind === kind && d.version === v);
  }

  function resolve(name: string): KindDef | undefined {
    const lower = name.toLowerCase();
    const matches = (d: KindDef, n: string) => d.plural === n || d.singular === n || d.kind.toLowerCase() === n || d.shortNames.includes(n);
    const direct = byPreference.find((d) => matches(d, lower));
    if (direct) return direct;
    // "deployments.apps", "hpa.autoscaling", "pods." style qualified names.
    const dot = lower.indexOf('.');
    if (dot < 0) return undefined;
    const n = lower.slice(0, dot);
    const group = lower.slice(dot + 1);
    return byPreference.find((d) => d.group === group && matches(d, n));
  }

  function groupVersions(): GroupVersion[] {
    const out: GroupVersion[] = [];
    for (const [group, versions] of versionsByGroup) {
      versions.forEach((version, i) => out.push({ group, version, preferred: i === 0 }));
    }
    return out;
  }

  return { list, resources, byKind, resolve, groupVersions };
}
