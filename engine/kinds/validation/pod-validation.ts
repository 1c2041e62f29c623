// Pod spec validation for pods and for pod templates inside workloads, plus the rule that
// a running pod's spec is (almost) immutable. Paths are relative to the caller's `path`,
// so a Deployment reports `spec.template.spec.containers[0].image: Required value`.
import type { FieldError, KubeObject } from '../types';
import {
  child,
  deepEqual,
  duplicate,
  forbidden,
  index,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nonNegative,
  oneOf,
  required,
  validateAnnotations,
  validateLabels,
} from './validation';
import { validateContainers } from './container-validation';
import { validateMountSubPaths, validateVolumePaths } from './volume-paths';
import type { ObjectMeta } from '../../apimachinery/object-types';
import type { Container, PodSpec, PodTemplateSpec, Volume, VolumeMount } from '../../apimachinery/pod-types';
import type { Toleration } from '../../apimachinery/workload-types';

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

export interface PodSpecOptions {
  /** Allowed restart policies (templates narrow it: Deployments only "Always"). */
  restartPolicies?: string[];
  /** Kind name for the "activeDeadlineSeconds in X is not Supported" rule of replicated templates. */
  noActiveDeadlineFor?: string;
}

function validateVolumes(volumes: Volume[] | undefined, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = index(path, i);
    if (!v.name) errs.push(required(child(p, 'name')));
    else {
      for (const m of isDNS1123Label(v.name)) errs.push(invalid(child(p, 'name'), v.name, m));
      if (names.has(v.name)) errs.push(duplicate(child(p, 'name'), v.name));
      names.add(v.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(forbidden(child(p, extra), 'may not specify more than 1 volume type'));
    if (v.configMap && !v.configMap.name) errs.push(required(child(child(p, 'configMap'), 'name')));
    if (v.secret && !v.secret.secretName) errs.push(required(child(child(p, 'secret'), 'secretName')));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) {
      errs.push(required(child(child(p, 'persistentVolumeClaim'), 'claimName')));
    }
    if (v.hostPath && !v.hostPath.path) errs.push(required(child(child(p, 'hostPath'), 'path')));
    errs.push(...validateVolumePaths(v, p));
  });
  return { errs, names };
}

function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(invalid(child(p, 'key'), t.key, m));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(
        invalid(
          child(p, 'operator'),
          t.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator === 'Exists' && t.value)
      errs.push(invalid(child(p, 'operator'), t.value, "value must be empty when `operator` is 'Exists'"));
    else if (t.operator !== undefined && t.operator !== 'Exists' && t.operator !== 'Equal') {
      errs.push(...oneOf(child(p, 'operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...oneOf(child(p, 'effect'), t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return errs;
}

/** Validates a PodSpec found at `path` (e.g. "spec" or "spec.template.spec"). */
export function validatePodSpec(spec: PodSpec | undefined, path: string, opts: PodSpecOptions = {}): FieldError[] {
  if (!spec) return [required(path)];
  const vols = validateVolumes(spec.volumes, child(path, 'volumes'));
  const errs = [...vols.errs];
  const seen = new Set<string>();
  errs.push(...validateContainers(spec.initContainers, child(path, 'initContainers'), vols.names, seen, true));
  if (!spec.containers || spec.containers.length === 0) errs.push(required(child(path, 'containers')));
  else errs.push(...validateContainers(spec.containers, child(path, 'containers'), vols.names, seen, false));
  (Array.isArray(spec.ephemeralContainers) ? spec.ephemeralContainers : []).forEach((c: Container | null, i: number) => {
    const list = child(index(child(path, 'ephemeralContainers'), i), 'volumeMounts');
    const mounts = c?.volumeMounts;
    (Array.isArray(mounts) ? mounts : []).forEach((m: VolumeMount, j: number) =>
      errs.push(...validateMountSubPaths(m, index(list, j), list)),
    );
  });

  const restart = spec.restartPolicy;
  const allowed = opts.restartPolicies ?? RESTART_POLICIES;
  if (restart === undefined) errs.push(required(child(path, 'restartPolicy')));
  else errs.push(...oneOf(child(path, 'restartPolicy'), restart, allowed));
  if (spec.dnsPolicy === undefined) errs.push(required(child(path, 'dnsPolicy')));
  else errs.push(...oneOf(child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) {
    errs.push(required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }

  if (spec.activeDeadlineSeconds !== undefined) {
    if (opts.noActiveDeadlineFor) {
      errs.push(forbidden(child(path, 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${opts.noActiveDeadlineFor} is not Supported`));
    } else if (!(spec.activeDeadlineSeconds >= 1 && spec.activeDeadlineSeconds <= 2147483647)) {
      errs.push(invalid(child(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
    }
  }
  errs.push(
    ...nonNegative(
      child(path, 'terminationGracePeriodSeconds'),
      spec.terminationGracePeriodSeconds === -1 ? 0 : spec.terminationGracePeriodSeconds,
    ),
  );
  if (spec.serviceAccountName) {
    for (const m of isDNS1123Subdomain(spec.serviceAccountName))
      errs.push(invalid(child(path, 'serviceAccountName'), spec.serviceAccountName, m));
  }
  if (spec.nodeName) for (const m of isDNS1123Subdomain(spec.nodeName)) errs.push(invalid(child(path, 'nodeName'), spec.nodeName, m));
  if (spec.hostname) for (const m of isDNS1123Label(spec.hostname)) errs.push(invalid(child(path, 'hostname'), spec.hostname, m));
  if (spec.subdomain) for (const m of isDNS1123Label(spec.subdomain)) errs.push(invalid(child(path, 'subdomain'), spec.subdomain, m));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  return errs;
}

/** A PodTemplateSpec at `path` (e.g. "spec.template"): its labels, annotations and spec. */
export function validatePodTemplate(template: PodTemplateSpec | undefined, path: string, opts: PodSpecOptions = {}): FieldError[] {
  if (!template) return [required(path)];
  const meta: ObjectMeta = template.metadata ?? {};
  return [
    ...validateLabels(meta.labels, child(child(path, 'metadata'), 'labels')),
    ...validateAnnotations(meta.annotations, child(child(path, 'metadata'), 'annotations')),
    ...validatePodSpec(template.spec, child(path, 'spec'), opts),
  ];
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Changed top-level PodSpec fields, listed after the message the way upstream appends a diff. */
function changedFields(a: PodSpec, b: PodSpec): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changed = keys.filter((k) => !deepEqual(a[k], b[k]));
  return changed.length ? `\n  core.PodSpec{\n${changed.map((k) => `  \t${k}: changed,`).join('\n')}\n  }\n` : '';
}

/** A pod's spec may only change images, deadlines, added tolerations and a negative grace period. */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec: PodSpec = pod.spec ?? {};
  const prev: PodSpec = old.spec ?? {};
  const munged: PodSpec = structuredClone(spec);

  // Copy over what may change, then anything still different is forbidden.
  const copyImages = (list: Container[] | undefined, from: Container[] | undefined) => {
    if (!list || !from || list.length !== from.length) return;
    list.forEach((c, i) => (c.image = from[i].image));
  };
  copyImages(munged.containers, prev.containers);
  copyImages(munged.initContainers, prev.initContainers);
  if (spec.activeDeadlineSeconds !== undefined) {
    if (prev.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds > prev.activeDeadlineSeconds) {
      errs.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be less than or equal to previous value'));
    }
    munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
    if (munged.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  }
  const oldTol: Toleration[] = prev.tolerations ?? [];
  const newTol: Toleration[] = spec.tolerations ?? [];
  if (oldTol.every((t) => newTol.some((n) => deepEqual(n, t)))) {
    if (prev.tolerations === undefined) delete munged.tolerations;
    else munged.tolerations = prev.tolerations;
  }
  if (
    typeof prev.terminationGracePeriodSeconds === 'number' &&
    prev.terminationGracePeriodSeconds < 0 &&
    spec.terminationGracePeriodSeconds === 1
  ) {
    munged.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  }
  // Binding an unscheduled pod sets nodeName once. Skiff's pods/binding handler writes through
  // the ordinary update path, so this rule lets that one transition through.
  if (!prev.nodeName && spec.nodeName) delete munged.nodeName;
  // Scheduling gates may be removed (not added) before the pod is scheduled.
  const oldGates = prev.schedulingGates ?? [];
  if ((spec.schedulingGates ?? []).every((g) => oldGates.some((o) => o.name === g.name))) {
    if (prev.schedulingGates === undefined) delete munged.schedulingGates;
    else munged.schedulingGates = prev.schedulingGates;
  }
  if (!deepEqual(munged, prev)) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN + changedFields(munged, prev)));
  return errs;
}
