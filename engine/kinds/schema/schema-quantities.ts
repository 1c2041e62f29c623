// Fields whose Go type is resource.Quantity (or a map of them, like ResourceList). The generated
// client models flatten Quantity to `string`, so they are listed here, keyed
// `<client-node model>.<json field>`; schema.ts turns them into 'quantity' nodes.

const fields = (model: string, names: string[]) => names.map((n) => `${model}.${n}`);

export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  ...fields('V1ResourceRequirements', ['limits', 'requests']),
  ...fields('V1VolumeResourceRequirements', ['limits', 'requests']),
  ...fields('V1PodSpec', ['overhead']),
  ...fields('V1Overhead', ['podFixed']),
  ...fields('V1ContainerStatus', ['allocatedResources']),
  ...fields('V1NodeStatus', ['capacity', 'allocatable']),
  ...fields('V1PersistentVolumeSpec', ['capacity']),
  ...fields('V1PersistentVolumeClaimStatus', ['capacity', 'allocatedResources']),
  ...fields('V1EmptyDirVolumeSource', ['sizeLimit']),
  ...fields('V1ResourceFieldSelector', ['divisor']),
  ...fields('V1ResourceQuotaSpec', ['hard']),
  ...fields('V1ResourceQuotaStatus', ['hard', 'used']),
  ...fields('V1LimitRangeItem', ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']),
  ...fields('V1CSIStorageCapacity', ['capacity', 'maximumVolumeSize']),
  ...fields('V2MetricTarget', ['value', 'averageValue']),
  ...fields('V2MetricValueStatus', ['value', 'averageValue']),
  ...fields('V1alpha3BasicDevice', ['capacity']),
  ...fields('V1alpha3Counter', ['value']),
  ...fields('V1beta1Counter', ['value']),
  ...fields('V1beta1DeviceCapacity', ['value']),
  ...fields('V1beta2Counter', ['value']),
  ...fields('V1beta2DeviceCapacity', ['value']),
]);

/** True when `model.field` holds a quantity (or a map of quantities). */
export function isQuantityField(model: string, field: string): boolean {
  return QUANTITY_FIELDS.has(`${model}.${field}`);
}
