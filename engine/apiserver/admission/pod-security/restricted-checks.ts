// The restricted level's checks (upstream pod-security-admission's policy/check_*.go for
// restricted), added to baseline's: hardened pods only. Words as upstream.
import type { Check, CheckFn } from './check-types';
import { explicitSeccompViolations } from './baseline-checks';
import { allContainers, containersText, joinQuote, list, pluralize, sortedSet, type ContainerFields } from './pod-fields';

const name = (c: ContainerFields) => String(c.name ?? '');
const windows = (spec: Parameters<CheckFn>[1]) => spec.os?.name === 'windows';
/** From v1.25 checks that only mean something on Linux skip pods with spec.os.name=windows. */
const linuxOnly =
  (check: CheckFn): CheckFn =>
  (meta, spec) =>
    windows(spec) ? undefined : check(meta, spec);

/** Volume kinds a restricted pod may use; every other kind is named in the message. */
const ALLOWED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const KNOWN_VOLUMES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
];

const restrictedVolumes: CheckFn = (_meta, spec) => {
  const bad: string[] = [];
  const kinds: string[] = [];
  for (const v of list(spec.volumes)) {
    if (ALLOWED_VOLUMES.some((k) => v?.[k] != null)) continue;
    bad.push(String(v?.name ?? ''));
    kinds.push(KNOWN_VOLUMES.find((k) => v?.[k] != null) ?? (v?.storageos != null ? 'storageos' : 'unknown'));
  }
  const distinct = sortedSet(kinds);
  return bad.length
    ? {
        reason: 'restricted volume types',
        detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
      }
    : undefined;
};

const allowPrivilegeEscalation: CheckFn = (_meta, spec) => {
  const bad = allContainers(spec)
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map(name);
  return bad.length
    ? {
        reason: 'allowPrivilegeEscalation != false',
        detail: `${containersText(bad)} must set securityContext.allowPrivilegeEscalation=false`,
      }
    : undefined;
};

const runAsNonRoot: CheckFn = (_meta, spec) => {
  const who: string[] = [];
  const pod = spec.securityContext?.runAsNonRoot;
  if (pod === false) who.push('pod');
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(spec)) {
    const v = c.securityContext?.runAsNonRoot;
    if (v != null) {
      if (v !== true) explicit.push(name(c));
    } else if (pod !== true) implicit.push(name(c));
  }
  if (explicit.length) who.push(containersText(explicit));
  if (who.length) return { reason: 'runAsNonRoot != true', detail: `${who.join(' and ')} must not set securityContext.runAsNonRoot=false` };
  if (implicit.length) {
    return { reason: 'runAsNonRoot != true', detail: `pod or ${containersText(implicit)} must set securityContext.runAsNonRoot=true` };
  }
  return undefined;
};

const runAsUser: CheckFn = (_meta, spec) => {
  const who = spec.securityContext?.runAsUser === 0 ? ['pod'] : [];
  const bad = allContainers(spec)
    .filter((c) => c.securityContext?.runAsUser === 0)
    .map(name);
  if (bad.length) who.push(containersText(bad));
  return who.length ? { reason: 'runAsUser=0', detail: `${who.join(' and ')} must not set runAsUser=0` } : undefined;
};

const seccompRestricted: CheckFn = (_meta, spec) => {
  const { who, values, podSet } = explicitSeccompViolations(spec);
  if (who.length) {
    return {
      reason: 'seccompProfile',
      detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`,
    };
  }
  const implicit = podSet
    ? []
    : allContainers(spec)
        .filter((c) => c.securityContext?.seccompProfile == null)
        .map(name);
  return implicit.length
    ? {
        reason: 'seccompProfile',
        detail: `pod or ${containersText(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      }
    : undefined;
};

const capabilitiesRestricted: CheckFn = (_meta, spec) => {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  for (const c of allContainers(spec)) {
    const capabilities = c.securityContext?.capabilities;
    if (capabilities == null) {
      missingDrop.push(name(c));
      continue;
    }
    if (!list(capabilities.drop).includes('ALL')) missingDrop.push(name(c));
    const extra = list(capabilities.add).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length) {
      adding.push(name(c));
      caps.push(...extra.map(String));
    }
  }
  const details: string[] = [];
  if (missingDrop.length) details.push(`${containersText(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length)
    details.push(`${containersText(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

export const RESTRICTED_CHECKS: Check[] = [
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minor: 0, check: restrictedVolumes, overrides: ['hostPathVolumes'] }] },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minor: 8, check: allowPrivilegeEscalation },
      { minor: 25, check: linuxOnly(allowPrivilegeEscalation) },
    ],
  },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minor: 0, check: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minor: 23, check: runAsUser }] },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minor: 19, check: seccompRestricted, overrides: ['seccompProfile_baseline'] },
      { minor: 25, check: linuxOnly(seccompRestricted), overrides: ['seccompProfile_baseline'] },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minor: 22, check: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
      { minor: 25, check: linuxOnly(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
    ],
  },
];
