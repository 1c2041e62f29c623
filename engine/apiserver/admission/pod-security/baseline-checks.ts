// The baseline level's checks (upstream pod-security-admission's policy/check_*.go for
// baseline): what a pod may not do even when nothing else is asked of it. Words as upstream.
import type { Check, CheckFn, CheckResult } from './check-types';
import {
  allContainers,
  containersText,
  joinQuote,
  list,
  pluralize,
  sortedSet,
  type ContainerFields,
  type SecurityContextFields,
} from './pod-fields';

/** Callers that set a field badly: "pod", then `container(s) "a", ...`. */
function setters(podBad: boolean, containers: string[]): string[] {
  const out = podBad ? ['pod'] : [];
  if (containers.length) out.push(containersText(containers));
  return out;
}

const name = (c: ContainerFields) => String(c.name ?? '');
const sc = (c: ContainerFields): SecurityContextFields => c.securityContext ?? {};

const windowsHostProcess: CheckFn = (_meta, spec) => {
  const bad = allContainers(spec)
    .filter((c) => sc(c).windowsOptions?.hostProcess === true)
    .map(name);
  const who = setters(spec.securityContext?.windowsOptions?.hostProcess === true, bad);
  return who.length
    ? { reason: 'hostProcess', detail: `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` }
    : undefined;
};

const hostNamespaces: CheckFn = (_meta, spec) => {
  const set = [
    spec.hostNetwork === true && 'hostNetwork=true',
    spec.hostPID === true && 'hostPID=true',
    spec.hostIPC === true && 'hostIPC=true',
  ].filter((s): s is string => !!s);
  return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
};

const privileged: CheckFn = (_meta, spec) => {
  const bad = allContainers(spec)
    .filter((c) => sc(c).privileged === true)
    .map(name);
  return bad.length ? { reason: 'privileged', detail: `${containersText(bad)} must not set securityContext.privileged=true` } : undefined;
};

/** Capabilities a container may add at baseline (the runtime's defaults). */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const capabilitiesBaseline: CheckFn = (_meta, spec) => {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of allContainers(spec)) {
    const extra = list(sc(c).capabilities?.add).filter((cap) => !BASELINE_CAPABILITIES.has(String(cap)));
    if (extra.length) {
      bad.push(name(c));
      caps.push(...extra.map(String));
    }
  }
  return bad.length
    ? {
        reason: 'non-default capabilities',
        detail: `${containersText(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
      }
    : undefined;
};

const hostPathVolumes: CheckFn = (_meta, spec) => {
  const bad = list(spec.volumes)
    .filter((v) => v?.hostPath != null)
    .map((v) => String(v.name ?? ''));
  return bad.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
};

const hostPorts: CheckFn = (_meta, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of allContainers(spec)) {
    const used = list(c.ports).filter((p) => p?.hostPort !== undefined && p.hostPort !== 0);
    if (used.length) {
      bad.push(name(c));
      ports.push(...used.map((p) => String(p.hostPort)));
    }
  }
  const distinct = sortedSet(ports);
  return bad.length
    ? {
        reason: 'hostPort',
        detail: `${containersText(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`,
      }
    : undefined;
};

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const appArmorTypeAllowed = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
const appArmorAnnotationAllowed = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

const appArmorProfile: CheckFn = (meta, spec) => {
  const values: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  const podBad = podProfile != null && !appArmorTypeAllowed(podProfile.type);
  if (podBad) values.push(String(podProfile.type ?? ''));
  const bad: string[] = [];
  for (const c of allContainers(spec)) {
    const p = sc(c).appArmorProfile;
    if (p != null && !appArmorTypeAllowed(p.type)) {
      bad.push(name(c));
      values.push(String(p.type ?? ''));
    }
  }
  const who = setters(podBad, bad);
  const list = sortedSet(values);
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION) && !appArmorAnnotationAllowed(String(v)))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  if (annotations.length) {
    list.push(...annotations);
    who.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (!who.length) return undefined;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
    detail: `${who.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
  };
};

function seLinuxOptions(allowedTypes: Set<string>): CheckFn {
  return (_meta, spec) => {
    const types: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (o: SecurityContextFields['seLinuxOptions']) => {
      if (o == null) return true;
      let ok = true;
      if (!allowedTypes.has(o.type ?? '')) {
        ok = false;
        types.push(o.type ?? '');
      }
      if (o.user) {
        ok = false;
        setUser = true;
      }
      if (o.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podBad = !valid(spec.securityContext?.seLinuxOptions);
    const bad = allContainers(spec)
      .filter((c) => !valid(sc(c).seLinuxOptions))
      .map(name);
    const who = setters(podBad, bad);
    if (!who.length) return undefined;
    const data: string[] = [];
    const distinct = sortedSet(types);
    if (distinct.length) data.push(`${pluralize('type', 'types', distinct.length)} ${joinQuote(distinct)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return { reason: 'seLinuxOptions', detail: `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  };
}

const procMount: CheckFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of allContainers(spec)) {
    const t = sc(c).procMount;
    if (t != null && t !== 'Default') {
      bad.push(name(c));
      types.push(String(t));
    }
  }
  return bad.length
    ? { reason: 'procMount', detail: `${containersText(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` }
    : undefined;
};

export const seccompAllowed = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';
const seccompAnnotationAllowed = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

/** Before v1.19 seccomp was set by annotations. */
const seccompAnnotations: CheckFn = (meta, spec) => {
  const a = meta.annotations ?? {};
  const keys = [SECCOMP_POD_ANNOTATION, ...allContainers(spec).map((c) => SECCOMP_CONTAINER_ANNOTATION + name(c))];
  const bad = sortedSet(keys.filter((k) => k in a && !seccompAnnotationAllowed(String(a[k]))).map((k) => `${k}=${JSON.stringify(a[k])}`));
  return bad.length
    ? { reason: 'seccompProfile', detail: `forbidden ${pluralize('annotation', 'annotations', bad.length)} ${bad.join(', ')}` }
    : undefined;
};

/** Explicit Unconfined (or unknown) seccomp types: shared with the restricted check. */
export function explicitSeccompViolations(spec: Parameters<CheckFn>[1]): { who: string[]; values: string[]; podSet: boolean } {
  const values: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  const podBad = podProfile != null && !seccompAllowed(podProfile.type);
  if (podBad) values.push(String(podProfile.type ?? ''));
  const bad: string[] = [];
  for (const c of allContainers(spec)) {
    const p = sc(c).seccompProfile;
    if (p != null && !seccompAllowed(p.type)) {
      bad.push(name(c));
      values.push(String(p.type ?? ''));
    }
  }
  return { who: setters(podBad, bad), values: sortedSet(values), podSet: podProfile != null && !podBad };
}

const seccompBaseline: CheckFn = (_meta, spec): CheckResult => {
  const { who, values } = explicitSeccompViolations(spec);
  return who.length
    ? { reason: 'seccompProfile', detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}` }
    : undefined;
};

const SAFE_SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SAFE_SYSCTLS_1_27 = [...SAFE_SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_SYSCTLS_1_29 = [
  ...SAFE_SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SAFE_SYSCTLS_1_32 = [...SAFE_SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

function sysctls(safe: string[]): CheckFn {
  const allowed = new Set(safe);
  return (_meta, spec) => {
    const bad = list(spec.securityContext?.sysctls)
      .map((s) => String(s?.name ?? ''))
      .filter((n) => !allowed.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
  };
}

const SELINUX_TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];

export const BASELINE_CHECKS: Check[] = [
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minor: 0, check: windowsHostProcess }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minor: 0, check: hostNamespaces }] },
  { id: 'privileged', level: 'baseline', versions: [{ minor: 0, check: privileged }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minor: 0, check: capabilitiesBaseline }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minor: 0, check: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minor: 0, check: hostPorts }] },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minor: 0, check: appArmorProfile }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minor: 0, check: seLinuxOptions(new Set(SELINUX_TYPES_1_0)) },
      { minor: 31, check: seLinuxOptions(new Set([...SELINUX_TYPES_1_0, 'container_engine_t'])) },
    ],
  },
  { id: 'procMount', level: 'baseline', versions: [{ minor: 0, check: procMount }] },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minor: 0, check: seccompAnnotations },
      { minor: 19, check: seccompBaseline },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { minor: 0, check: sysctls(SAFE_SYSCTLS_1_0) },
      { minor: 27, check: sysctls(SAFE_SYSCTLS_1_27) },
      { minor: 29, check: sysctls(SAFE_SYSCTLS_1_29) },
      { minor: 32, check: sysctls(SAFE_SYSCTLS_1_32) },
    ],
  },
];
