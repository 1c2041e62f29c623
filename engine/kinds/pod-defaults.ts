// Pod defaulting as users see it in `kubectl get -o yaml`: the defaulting functions that run
// for pods and for every pod template (Deployment, Job, ...), plus the pod-only parts
// (enableServiceLinks, requests from limits) and the create-time admission steps
// (service account, priority, default tolerations, the API token volume).

import type { KubeObject } from './types';
import type { Container, HTTPGetAction, PodSpec, PodTemplateSpec, Probe, Volume } from '../apimachinery/pod-types';
import type { Toleration } from '../apimachinery/workload-types';
import { randomNameSuffix } from './name-suffix';

/** Always for ":latest" or untagged images, IfNotPresent otherwise (digests count as pinned). */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > lastSlash ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHttpGet(h: HTTPGetAction | undefined): void {
  if (!h) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHttpGet(p.httpGet);
  if (p.grpc && p.grpc.service === undefined) p.grpc.service = '';
}

function defaultContainer(c: Container, hostNetwork: boolean): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const port of c.ports ?? []) {
    port.protocol ??= 'TCP';
    // With the host's network the container port is the host port.
    if (hostNetwork && port.hostPort === undefined) port.hostPort = port.containerPort;
  }
  for (const env of c.env ?? []) {
    if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHttpGet(c.lifecycle?.postStart?.httpGet);
  defaultHttpGet(c.lifecycle?.preStop?.httpGet);
}

const VOLUME_SOURCES_WITH_MODE = ['secret', 'configMap', 'downwardAPI', 'projected'] as const;

function defaultVolume(v: Volume): void {
  // A volume without any source is an emptyDir.
  if (Object.keys(v).every((k) => k === 'name')) v.emptyDir = {};
  for (const src of VOLUME_SOURCES_WITH_MODE) {
    const source = v[src];
    if (source) source.defaultMode ??= 420;
  }
  if (v.hostPath) v.hostPath.type ??= '';
  for (const s of v.projected?.sources ?? []) {
    if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
    for (const item of s.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
  }
  for (const item of v.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
}

/** Defaults shared by pods and pod templates (SetDefaults_PodSpec and friends). */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  // serviceAccount is the deprecated alias; the API keeps the two in sync.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) {
    c.imagePullPolicy ??= defaultPullPolicy(c.image);
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
  }
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Defaults for a PodTemplateSpec inside a workload (`spec.template`). */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  defaultPodSpec(template.spec);
}

/** Pod-only defaults (SetDefaults_Pod): service links on, requests default to limits. */
export function defaultPod(pod: KubeObject): void {
  pod.spec ??= {};
  defaultPodSpec(pod.spec);
  pod.spec.enableServiceLinks ??= true;
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) c.resources.requests[k] ??= v;
  }
}

/** Tolerations the DefaultTolerationSeconds admission plugin adds to every new pod. */
const DEFAULT_TOLERATED = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

function tolerates(tolerations: Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.effect === 'NoExecute' || !t.effect) && (t.key === key || (!t.key && t.operator === 'Exists')));
}

/** The QoS class the API server records on create: Guaranteed, Burstable or BestEffort. */
export function qosClass(spec: Pick<PodSpec, 'containers' | 'initContainers'>): string {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * Create-time admission for pods, as a default kube-apiserver applies it: service account,
 * priority, not-ready/unreachable tolerations, the token volume, then status Pending.
 */
export function admitNewPod(pod: KubeObject): void {
  const spec = (pod.spec ??= {});
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.priority === undefined && !spec.priorityClassName) spec.priority = 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: Toleration[] = (spec.tolerations ??= []);
  for (const key of DEFAULT_TOLERATED) {
    if (!tolerates(tolerations, key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  if (spec.automountServiceAccountToken !== false) addTokenVolume(spec);
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
}

const TOKEN_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The projected "kube-api-access-xxxxx" volume (token, CA, namespace) mounted in each container. */
function addTokenVolume(spec: PodSpec): void {
  const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (containers.some((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT))) return;
  const name = `kube-api-access-${randomNameSuffix()}`;
  (spec.volumes ??= []).push({
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  });
  for (const c of containers) (c.volumeMounts ??= []).push({ name, readOnly: true, mountPath: TOKEN_MOUNT });
}
