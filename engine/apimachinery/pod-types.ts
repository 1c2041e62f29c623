// Wire shapes of a pod's spec as the kubelet, the scheduler and the controllers read it: containers
// with their probes, lifecycle handlers, ports, resources, env and mounts; volumes; templates. The
// fields code here reads, not every field upstream defines.
import type { ObjectMeta } from './object-types';
import type { NodeAffinity, PodAffinityRules, Toleration, TopologySpreadConstraint } from './workload-types';

/** A port number or a named port (probes, Services). */
export type IntOrString = number | string;

/** A resource quantity as the wire carries it ("250m", "1Gi"); clients may send plain numbers. */
export type QuantityValue = string | number;

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}

export interface ExecAction {
  command?: string[];
}

export interface HTTPGetAction {
  path?: string;
  port: IntOrString;
  host?: string;
  scheme?: string;
  httpHeaders?: { name: string; value?: string }[];
}

export interface TCPSocketAction {
  port: IntOrString;
  host?: string;
}

/** One action of a probe or lifecycle hook (sleep: hooks only). */
export interface Handler {
  exec?: ExecAction;
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  sleep?: { seconds?: number };
}

export interface Probe extends Handler {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  grpc?: { port: number; service?: string };
  /** Liveness and startup: the grace period for a container the probe kills. */
  terminationGracePeriodSeconds?: number;
}

export interface Lifecycle {
  postStart?: Handler;
  preStop?: Handler;
}

export interface ResourceRequirements {
  requests?: Record<string, QuantityValue>;
  limits?: Record<string, QuantityValue>;
}

export interface KeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string; apiVersion?: string };
    resourceFieldRef?: { resource: string; divisor?: QuantityValue };
    configMapKeyRef?: KeySelector;
    secretKeyRef?: KeySelector;
  };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
  readOnly?: boolean;
}

export interface SecurityContext {
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  capabilities?: { add?: string[]; drop?: string[] };
}

/** A container of a pod's containers, initContainers or ephemeralContainers. */
export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: Lifecycle;
  securityContext?: SecurityContext;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  /** Init containers only: Always makes a sidecar. */
  restartPolicy?: string;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  /** Ephemeral containers: the container whose process namespace it joins. */
  targetContainerName?: string;
}

export interface KeyToPath {
  key: string;
  path: string;
}

/** A configMap (name) or secret (secretName) volume or projection. */
export interface ObjectVolumeSource {
  name?: string;
  secretName?: string;
  items?: KeyToPath[];
  optional?: boolean;
  defaultMode?: number;
}

export interface DownwardAPIVolumeSource {
  items?: { path: string; fieldRef?: { fieldPath: string; apiVersion?: string } }[];
  defaultMode?: number;
}

export interface VolumeProjection {
  configMap?: ObjectVolumeSource;
  secret?: ObjectVolumeSource;
  downwardAPI?: DownwardAPIVolumeSource;
  serviceAccountToken?: { path: string; audience?: string; expirationSeconds?: number };
  clusterTrustBundle?: { path: string };
}

/** A pod's volume: the sources the Docker kubelet materializes. */
export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: QuantityValue };
  hostPath?: { path: string; type?: string };
  configMap?: ObjectVolumeSource;
  secret?: ObjectVolumeSource;
  downwardAPI?: DownwardAPIVolumeSource;
  projected?: { sources?: VolumeProjection[]; defaultMode?: number };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  /** The other volume sources, passed through untyped. */
  [source: string]: unknown;
}

/** A pod's spec: the fields the engine reads; the rest pass through untyped. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: NodeAffinity; podAffinity?: PodAffinityRules; podAntiAffinity?: PodAffinityRules };
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  restartPolicy?: string;
  hostNetwork?: boolean;
  hostname?: string;
  subdomain?: string;
  serviceAccountName?: string;
  /** The deprecated alias of serviceAccountName, kept in step with it. */
  serviceAccount?: string;
  priority?: number;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  priorityClassName?: string;
  automountServiceAccountToken?: boolean;
  schedulingGates?: { name: string }[];
  [field: string]: unknown;
}

/** A workload's spec.template: the pods it makes. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}
