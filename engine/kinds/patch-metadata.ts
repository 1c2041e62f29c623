// Strategic-merge metadata of the built-in types. The generated client models drop the Go
// struct tags (`patchStrategy`, `patchMergeKey`) that drive strategic merge patch, so they are
// listed here by hand, keyed `<client-node model>.<json field>`. Fields not listed replace
// as a whole (tolerations, taints, args, ...), exactly as Kubernetes does.

export interface PatchMeta {
  patchStrategy: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  patchMergeKey?: string;
}

const merge = (key?: string): PatchMeta => (key ? { patchStrategy: 'merge', patchMergeKey: key } : { patchStrategy: 'merge' });
const mergeRetain = (key: string): PatchMeta => ({ patchStrategy: 'merge,retainKeys', patchMergeKey: key });

// Container and EphemeralContainer share their list fields (EphemeralContainerCommon in Go).
const containerLists = (model: string): Record<string, PatchMeta> => ({
  [`${model}.ports`]: merge('containerPort'),
  [`${model}.env`]: merge('name'),
  [`${model}.volumeMounts`]: merge('mountPath'),
  [`${model}.volumeDevices`]: merge('devicePath'),
});

// Status types whose `conditions` list merges by condition type.
const conditionsByType = [
  'V1PodStatus',
  'V1NodeStatus',
  'V1NamespaceStatus',
  'V1PersistentVolumeClaimStatus',
  'V1ReplicationControllerStatus',
  'V1ServiceStatus',
  'V1ComponentStatus',
  'V1DeploymentStatus',
  'V1ReplicaSetStatus',
  'V1StatefulSetStatus',
  'V1DaemonSetStatus',
  'V1JobStatus',
  'V2HorizontalPodAutoscalerStatus',
  'V1PodDisruptionBudgetStatus',
  'V1APIServiceStatus',
  'V1FlowSchemaStatus',
  'V1PriorityLevelConfigurationStatus',
];

export const PATCH_METADATA: Readonly<Record<string, PatchMeta>> = {
  // meta/v1
  'V1ObjectMeta.finalizers': merge(),
  'V1ObjectMeta.ownerReferences': merge('uid'),

  // core/v1 pods
  'V1PodSpec.volumes': mergeRetain('name'),
  'V1PodSpec.initContainers': merge('name'),
  'V1PodSpec.containers': merge('name'),
  'V1PodSpec.ephemeralContainers': merge('name'),
  'V1PodSpec.imagePullSecrets': merge('name'),
  'V1PodSpec.hostAliases': merge('ip'),
  'V1PodSpec.topologySpreadConstraints': merge('topologyKey'),
  'V1PodSpec.schedulingGates': merge('name'),
  'V1PodSpec.resourceClaims': mergeRetain('name'),
  ...containerLists('V1Container'),
  ...containerLists('V1EphemeralContainer'),
  'V1PodStatus.podIPs': merge('ip'),
  'V1PodStatus.hostIPs': merge('ip'),
  'V1PodStatus.resourceClaimStatuses': mergeRetain('name'),
  'V1ContainerStatus.allocatedResourcesStatus': merge('name'),

  // core/v1 others
  'V1NodeSpec.podCIDRs': merge(),
  'V1NodeStatus.addresses': merge('type'),
  'V1ServiceSpec.ports': merge('port'),
  'V1ServiceAccount.secrets': merge('name'),

  // apps/v1, policy/v1
  'V1DeploymentSpec.strategy': { patchStrategy: 'retainKeys' },
  'V1PodDisruptionBudgetSpec.selector': { patchStrategy: 'replace' },

  // storage, admission, resource
  'V1CSINodeSpec.drivers': merge('name'),
  'V1ValidatingWebhookConfiguration.webhooks': merge('name'),
  'V1MutatingWebhookConfiguration.webhooks': merge('name'),
  'V1ValidatingWebhook.matchConditions': merge('name'),
  'V1MutatingWebhook.matchConditions': merge('name'),
  'V1ValidatingAdmissionPolicySpec.matchConditions': merge('name'),
  'V1ValidatingAdmissionPolicySpec.variables': merge('name'),
  'V1beta1ResourceClaimStatus.reservedFor': merge('uid'),
  'V1beta2ResourceClaimStatus.reservedFor': merge('uid'),

  ...Object.fromEntries(conditionsByType.map((m) => [`${m}.conditions`, merge('type')])),
};

/** The strategic-merge metadata of `model.field`, if Kubernetes marks that field. */
export function patchMetaFor(model: string, field: string): PatchMeta | undefined {
  return PATCH_METADATA[`${model}.${field}`];
}
