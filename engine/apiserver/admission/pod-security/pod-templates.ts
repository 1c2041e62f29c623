// Where each workload kind keeps its pod template (upstream's DefaultPodSpecExtractor): these
// get Pod Security warnings and audit annotations, never enforcement; their pods are enforced.
import type { KindDef, KubeObject } from '../../../kinds/types';
import type { PodMetaFields, PodSpecFields } from './pod-fields';

type Template = { metadata?: PodMetaFields; spec?: PodSpecFields } | undefined;

type WorkloadSpec = { template?: Template; jobTemplate?: { spec?: { template?: Template } } } | undefined;
const specOf = (o: KubeObject) => o.spec as WorkloadSpec;
const template = (o: KubeObject) => specOf(o)?.template;

const TEMPLATE_PATHS: Record<string, (o: KubeObject) => Template> = {
  '/replicationcontrollers': template,
  '/podtemplates': (o) => o.template as Template,
  'apps/replicasets': template,
  'apps/deployments': template,
  'apps/statefulsets': template,
  'apps/daemonsets': template,
  'batch/jobs': template,
  'batch/cronjobs': (o) => specOf(o)?.jobTemplate?.spec?.template,
};

/** Whether `def` is a kind with a pod template Pod Security looks at. */
export function hasPodTemplate(def: KindDef): boolean {
  return `${def.group}/${def.plural}` in TEMPLATE_PATHS;
}

/** The template's metadata and spec (undefined when the object carries none). */
export function podTemplateOf(def: KindDef, obj: KubeObject): { meta: PodMetaFields; spec: PodSpecFields } | undefined {
  const t = TEMPLATE_PATHS[`${def.group}/${def.plural}`]?.(obj);
  if (!t || typeof t !== 'object' || (t.metadata == null && t.spec == null)) return undefined;
  return { meta: t.metadata ?? {}, spec: t.spec ?? {} };
}
