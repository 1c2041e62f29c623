// The two webhook plugins over the admission chain's storage: configurations, namespaces,
// Services and Endpoints are read through it (configurations and namespaces from watch caches,
// so requests pay nothing while no webhook is configured).
import type { KubeObject } from '../../../kinds/types';
import type { AdmissionStorage } from '../admission-chain';
import { createWebhookAdmission } from './webhook-admission';
import { webhooksOf } from '../../../kinds/defs/kinds-admissionregistration';
import type { WebhookEntry } from './types';
import type { AuthorizeFn } from '../cel-authorizer';

const GROUP = 'admissionregistration.k8s.io';
const PLURAL = { mutating: 'mutatingwebhookconfigurations', validating: 'validatingwebhookconfigurations' } as const;

/** Kinds the chain should serve from watch caches for these plugins. */
export const WEBHOOK_CACHED = [`${GROUP}/${PLURAL.mutating}`, `${GROUP}/${PLURAL.validating}`, '/namespaces'];

const byName = (a: KubeObject, b: KubeObject) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);

export function createWebhookPlugins(storage: AdmissionStorage, log?: (line: string) => void, authorize?: AuthorizeFn) {
  const find = async (plural: string, namespace: string, name: string) =>
    (await storage.list('', 'v1', plural, namespace)).find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
  // Every write asks for the webhooks: the entries are rebuilt only when the configurations
  // changed (the watch cache hands out new objects for changed ones).
  const built = { mutating: memo(), validating: memo() };
  const plugins = createWebhookAdmission({
    async webhooks(kind) {
      const configs = await storage.list(GROUP, 'v1', PLURAL[kind]);
      return built[kind](configs);
    },
    async namespaceLabels(name) {
      return (await storage.get('', 'v1', 'namespaces', undefined, name))?.metadata.labels ?? undefined;
    },
    lookup: {
      service: (namespace, name) => find('services', namespace, name),
      endpoints: (namespace, name) => find('endpoints', namespace, name),
    },
    authorize,
    log,
  });
  // Skipped outright while no configuration of their kind exists (and the cache knows it).
  const none = (kind: 'mutating' | 'validating') => () => storage.countNow?.(GROUP, 'v1', PLURAL[kind]) === 0;
  return {
    mutating: { ...plugins.mutating, idle: none('mutating') },
    validating: { ...plugins.validating, idle: none('validating') },
  };
}

/** WebhookEntry lists, configurations in name order; the last result while the same objects come in. */
function memo() {
  let last: { configs: KubeObject[]; entries: WebhookEntry[] } | undefined;
  return (configs: KubeObject[]): WebhookEntry[] => {
    if (!configs.length) return [];
    if (last && last.configs.length === configs.length && last.configs.every((c) => configs.includes(c))) return last.entries;
    const entries: WebhookEntry[] = [];
    for (const c of [...configs].sort(byName)) {
      for (const w of webhooksOf(c)) entries.push({ configuration: c.metadata.name ?? '', webhook: w });
    }
    last = { configs: [...configs], entries };
    return entries;
  };
}
