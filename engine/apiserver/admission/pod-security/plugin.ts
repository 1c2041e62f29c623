// The PodSecurity admission plugin (upstream's admission/admission.go): pods are enforced at
// their namespace's level and warned/audited; workload templates are only warned/audited (their
// pods are enforced when a controller creates them); a namespace whose enforce label gets
// stricter is answered with warnings naming the existing pods that would now be refused.
import type { KindDef, KubeObject } from '../../../kinds/types';
import type { Admission } from '../../resource-store';
import { errors } from '../../status';
import { forbiddenFor } from '../../authz/forbidden';
import type { AdmissionRequest } from '../admission-request';
import type { PodSecurityConfig } from './config';
import { evaluatePod, violationsText, type Violation } from './evaluate';
import { levelVersionText, sameLevelVersion, versionText, compareLevels, type LevelVersion } from './levels';
import { isFullyPrivileged, policyToEvaluate, type Policy } from './namespace-policy';
import { existingPodWarnings } from './existing-pods';
import { hasPodTemplate, podTemplateOf } from './pod-templates';
import type { ContainerFields, PodMetaFields, PodSpecFields } from './pod-fields';
import { list } from './pod-fields';

export interface PodSecurityDeps {
  config: PodSecurityConfig;
  /** The namespace object (undefined when it does not exist). */
  getNamespace(name: string): Promise<KubeObject | undefined>;
  listPods(namespace: string): Promise<KubeObject[]>;
}

export function createPodSecurityAdmission(deps: PodSecurityDeps): Admission & { name: string } {
  const { exemptions, defaults } = deps.config;
  const exemptNamespace = (ns: string | undefined) => !!ns && exemptions.namespaces.includes(ns);
  const exemptUser = (request: AdmissionRequest | undefined) => !!request && exemptions.usernames.includes(request.user.user);
  const labelsOf = (o: KubeObject | undefined) => o?.metadata?.labels;

  async function namespacePolicy(ns: string) {
    return policyToEvaluate(labelsOf(await deps.getNamespace(ns)), defaults);
  }

  /** Enforces (pods only), then audits and warns, as upstream's EvaluatePod. */
  function evaluate(
    request: AdmissionRequest | undefined,
    policy: Policy,
    meta: PodMetaFields,
    spec: PodSpecFields,
    podName: string,
    enforce: boolean,
  ) {
    if (spec?.runtimeClassName && exemptions.runtimeClasses.includes(spec.runtimeClassName)) return;
    // Modes usually share a level: each level and version is evaluated once, as upstream caches.
    const results = new Map<string, Violation[]>();
    const check = (lv: LevelVersion) => {
      const key = levelVersionText(lv);
      let v = results.get(key);
      if (!v) results.set(key, (v = evaluatePod(lv, meta, spec)));
      return v;
    };
    if (enforce) {
      const v = check(policy.enforce);
      if (v.length) {
        throw forbiddenFor('', 'pods', podName, `violates PodSecurity "${levelVersionText(policy.enforce)}": ${violationsText(v)}`);
      }
    }
    if (!request) return; // in-process: nobody to warn, no audit event
    const audit = check(policy.audit);
    if (audit.length) {
      request.annotate(
        'pod-security.kubernetes.io/audit-violations',
        `would violate PodSecurity "${levelVersionText(policy.audit)}": ${violationsText(audit)}`,
      );
    }
    const warn = check(policy.warn);
    if (warn.length) request.warn(`would violate PodSecurity "${levelVersionText(policy.warn)}": ${violationsText(warn)}`);
  }

  async function admitPod(pod: KubeObject, old: KubeObject | undefined, request: AdmissionRequest | undefined) {
    const ns = pod.metadata.namespace;
    // Status and binding writes (the kubelets' and scheduler's hot path) leave images alone.
    if (old && !significantPodUpdate(pod, old)) return;
    if (exemptNamespace(ns) || exemptUser(request)) return;
    const { policy, errors: labelErrors } = await namespacePolicy(ns ?? '');
    if (!labelErrors.length && isFullyPrivileged(policy)) return;
    evaluate(request, policy, pod.metadata, (pod.spec ?? {}) as PodSpecFields, pod.metadata.name ?? '', true);
  }

  async function admitTemplate(def: KindDef, obj: KubeObject, request: AdmissionRequest | undefined) {
    const ns = obj.metadata.namespace;
    // Templates only warn (and would audit): in-process writers (controllers' status updates) have nobody to tell.
    if (!request || exemptNamespace(ns) || exemptUser(request)) return;
    const { policy, errors: labelErrors } = await namespacePolicy(ns ?? '');
    if (!labelErrors.length && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const t = podTemplateOf(def, obj);
    if (t) evaluate(request, policy, t.meta, t.spec, obj.metadata.name ?? '', false);
  }

  async function admitNamespace(ns: KubeObject, old: KubeObject | undefined, request: AdmissionRequest | undefined) {
    const name = ns.metadata.name ?? '';
    const next = policyToEvaluate(labelsOf(ns), defaults);
    const invalid = () => errors.invalid('Namespace', '', name, next.errors);
    const exemptWarning = () => {
      const text = exemptPolicyText(next.policy, labelsOf(ns) ?? {}, defaults);
      if (text) request?.warn(`namespace "${name}" is exempt from Pod Security, and the policy (${text}) will be ignored`);
    };
    if (!old) {
      if (next.errors.length) throw invalid();
      if (exemptNamespace(name)) exemptWarning();
      return;
    }
    const prev = policyToEvaluate(labelsOf(old), defaults);
    if (next.errors.length && (!prev.errors.length || JSON.stringify(next.errors) !== JSON.stringify(prev.errors))) throw invalid();
    const [e, o] = [next.policy.enforce, prev.policy.enforce];
    if (sameLevelVersion(e, o) || e.level === 'privileged') return;
    if (versionText(e.version) === versionText(o.version) && compareLevels(e.level, o.level) < 1) return;
    if (exemptNamespace(name)) return exemptWarning();
    if (!request) return; // nobody to warn
    for (const w of existingPodWarnings(name, e, await deps.listPods(name), exemptions.runtimeClasses)) request.warn(w);
  }

  return {
    name: 'PodSecurity',
    appliesTo: (def) => (def.group === '' && (def.plural === 'pods' || def.plural === 'namespaces')) || hasPodTemplate(def),
    async admit(def, obj, old, _dryRun, request, subresource) {
      if (def.group === '' && def.plural === 'pods') return admitPod(obj, old, request);
      if (def.group === '' && def.plural === 'namespaces') return admitNamespace(obj, old, request);
      // A workload's subresources (scale, status) carry no pod template: nothing to warn about.
      if (hasPodTemplate(def) && !subresource) return admitTemplate(def, obj, request);
    },
  };
}

/** Upstream's isSignificantPodUpdate: only image changes and added containers are re-checked. */
function significantPodUpdate(pod: KubeObject, old: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as PodSpecFields;
  const prev = (old.spec ?? {}) as PodSpecFields;
  const changed = (a: ContainerFields[], b: ContainerFields[]) => a.length !== b.length || a.some((c, i) => c?.image !== b[i]?.image);
  if (changed(list(spec.containers), list(prev.containers))) return true;
  if (changed(list(spec.initContainers), list(prev.initContainers))) return true;
  const before = new Map(list(prev.ephemeralContainers).map((c) => [c?.name, c]));
  return list(spec.ephemeralContainers).some((c) => !before.has(c?.name) || before.get(c?.name)?.image !== c?.image);
}

/** `enforce=baseline:latest, warn=...` for the explicitly set, non-privileged modes (empty: no warning). */
function exemptPolicyText(policy: Policy, labels: Record<string, string>, defaults: Policy): string {
  if (isFullyPrivileged(policy)) return '';
  const modes = ['enforce', 'audit', 'warn'] as const;
  if (modes.every((m) => sameLevelVersion(policy[m], defaults[m]))) return '';
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, `pod-security.kubernetes.io/${k}`);
  return modes
    .filter((m) => policy[m].level !== 'privileged' && (has(m) || has(`${m}-version`)))
    .map((m) => `${m}=${levelVersionText(policy[m])}`)
    .join(', ');
}
