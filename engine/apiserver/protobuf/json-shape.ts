// The few places where a Go struct's JSON differs from its proto field names. Read off the Go
// struct tags: a field tagged json:",inline" is an embedded struct whose fields JSON flattens
// into the parent; a handful of proto names differ from their JSON names by case. Only
// messages in gen/fields.ts are listed (admissionregistration has more of both).

/** "<message>.<proto field>" of embedded structs. */
export const inlineFields = new Set([
  'k8s.io.api.core.v1.Probe.handler',
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource',
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
  'k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapProjection.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference',
  'k8s.io.api.core.v1.SecretEnvSource.localObjectReference',
  'k8s.io.api.core.v1.SecretKeySelector.localObjectReference',
  'k8s.io.api.core.v1.SecretProjection.localObjectReference',
  'k8s.io.api.networking.v1.IngressRule.ingressRuleValue',
  'k8s.io.apimachinery.pkg.runtime.Unknown.typeMeta',
]);

/** "<message>.<proto field>" -> JSON name, where they differ. */
export const jsonNames: Record<string, string> = {
  'k8s.io.api.authentication.v1.BoundObjectReference.uID': 'uid',
  'k8s.io.api.networking.v1.IngressClassParametersReference.aPIGroup': 'apiGroup',
};
