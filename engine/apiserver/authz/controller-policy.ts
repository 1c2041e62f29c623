// Each controller acts as its own ServiceAccount in kube-system, as kube-controller-manager does
// with --use-service-account-credentials: upstream's system:controller:<name> ClusterRoles bound
// to system:serviceaccount:kube-system:<name>, so a compromised controller holds only what it
// needs (the job controller cannot read Secrets). The shared informers, the event recorder, leader
// election and the token controller stay with system:kube-controller-manager (upstream's root
// client). Where Skiff's controller writes with another verb than upstream's (a status patch
// where upstream updates, adoption by update where upstream patches) the role lists that verb
// beside upstream's: patch and update on the same resource grant the same power.
import type { KubeObject } from '../../kinds/types';
import type { PolicyRule } from './rules';
import { clusterRole } from './bootstrap-policy';

const RBAC = 'rbac.authorization.k8s.io';
const PREFIX = 'system:controller:';
const READ = ['get', 'list', 'watch'];
const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const events = () => rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);

/** The ServiceAccount (in kube-system) each controller's role is bound to: upstream's names. */
export const CONTROLLER_ACCOUNTS_NAMESPACE = 'kube-system';

function controllerRules(): Record<string, PolicyRule[]> {
  return {
    'clusterrole-aggregation-controller': [rule(['escalate', ...READ, 'update', 'patch'], [RBAC], ['clusterroles'])],
    'cronjob-controller': [
      rule([...READ, 'update'], ['batch'], ['cronjobs']),
      rule([...READ, 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
      rule(['update', 'patch'], ['batch'], ['cronjobs/status']), // patch: Skiff's status write
      rule(['update'], ['batch'], ['cronjobs/finalizers']),
      rule(['list', 'watch', 'delete'], [''], ['pods']),
      events(),
    ],
    'daemon-set-controller': [
      rule(READ, ['extensions', 'apps'], ['daemonsets']),
      rule(['update', 'patch'], ['extensions', 'apps'], ['daemonsets/status']),
      rule(['update'], ['extensions', 'apps'], ['daemonsets/finalizers']),
      rule(['list', 'watch'], [''], ['nodes']),
      rule(['list', 'watch', 'create', 'delete', 'patch', 'update'], [''], ['pods']), // update: adoption
      rule(['create'], [''], ['pods/binding']),
      rule([...READ, 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      events(),
    ],
    'deployment-controller': [
      rule([...READ, 'update', 'patch'], ['extensions', 'apps'], ['deployments']), // patch: the revision annotation
      rule(['update'], ['extensions', 'apps'], ['deployments/status']),
      rule(['update'], ['extensions', 'apps'], ['deployments/finalizers']),
      rule([...READ, 'create', 'update', 'patch', 'delete'], ['apps', 'extensions'], ['replicasets']),
      rule([...READ, 'update'], [''], ['pods']),
      events(),
    ],
    'disruption-controller': [
      rule(READ, ['extensions', 'apps'], ['deployments']),
      rule(READ, ['apps', 'extensions'], ['replicasets']),
      rule(READ, [''], ['replicationcontrollers']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['get'], ['*'], ['*/scale']),
      events(),
    ],
    'endpoint-controller': [
      rule(READ, [''], ['services', 'pods']),
      rule([...READ, 'create', 'update', 'delete'], [''], ['endpoints']),
      rule(['create'], [''], ['endpoints/restricted']),
      events(),
    ],
    'endpointslice-controller': [
      rule(READ, [''], ['services', 'pods', 'nodes']),
      rule(['update'], [''], ['services/finalizers']),
      rule([...READ, 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      events(),
    ],
    'generic-garbage-collector': [rule([...READ, 'patch', 'update', 'delete'], ['*'], ['*']), events()],
    'horizontal-pod-autoscaler': [
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(['update', 'patch'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      rule(['get', 'update'], ['*'], ['*/scale']),
      rule(['list', 'watch'], [''], ['pods']),
      rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      rule(READ, ['custom.metrics.k8s.io'], ['*']),
      rule(READ, ['external.metrics.k8s.io'], ['*']),
      events(),
    ],
    'job-controller': [
      rule([...READ, 'update', 'patch'], ['batch'], ['jobs']),
      rule(['update', 'patch'], ['batch'], ['jobs/status']),
      rule(['update'], ['batch'], ['jobs/finalizers']),
      rule(['list', 'watch', 'create', 'delete', 'patch', 'update'], [''], ['pods']), // update: adoption
      events(),
    ],
    'namespace-controller': [
      rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
      rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      rule([...READ, 'delete', 'deletecollection'], ['*'], ['*']),
    ],
    // Node lifecycle and taint eviction (upstream runs both as node-controller).
    'node-controller': [
      rule([...READ, 'update', 'delete', 'patch'], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['list', 'watch', 'get', 'delete'], [''], ['pods']),
      events(),
    ],
    'persistent-volume-binder': [
      rule([...READ, 'update', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['update'], [''], ['persistentvolumes/status']),
      rule([...READ, 'update', 'patch'], [''], ['persistentvolumeclaims']), // patch: Skiff's annotations
      rule(['update', 'patch'], [''], ['persistentvolumeclaims/status']),
      rule(['list', 'watch', 'get', 'create', 'delete'], [''], ['pods']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], [''], ['nodes']),
      events(),
      rule(['watch'], [''], ['events']),
    ],
    'replicaset-controller': [
      rule([...READ, 'update'], ['apps', 'extensions'], ['replicasets']),
      rule(['update'], ['apps', 'extensions'], ['replicasets/status']),
      rule(['update'], ['apps', 'extensions'], ['replicasets/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete', 'update'], [''], ['pods']), // update: adoption
      events(),
    ],
    'replication-controller': [
      rule([...READ, 'update'], [''], ['replicationcontrollers']),
      rule(['update'], [''], ['replicationcontrollers/status']),
      rule(['update'], [''], ['replicationcontrollers/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete', 'update'], [''], ['pods']), // update: adoption
      events(),
    ],
    'resourcequota-controller': [rule(['list', 'watch'], ['*'], ['*']), rule(['update'], [''], ['resourcequotas/status']), events()],
    'service-account-controller': [rule(['create'], [''], ['serviceaccounts']), events()],
    'statefulset-controller': [
      rule(['list', 'watch'], [''], ['pods']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update', 'patch'], ['apps'], ['statefulsets/status']),
      rule(['update'], ['apps'], ['statefulsets/finalizers']),
      rule(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], ['apps'], ['controllerrevisions']),
      rule(['get', 'create', 'list', 'watch'], [''], ['persistentvolumeclaims']),
      rule(['update', 'delete'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['pods/finalizers']),
      events(),
    ],
    'certificate-controller': [
      rule(['get', 'list', 'watch', 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['update'], ['certificates.k8s.io'], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
      rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      rule(
        ['sign'],
        ['certificates.k8s.io'],
        ['signers'],
        [
          'kubernetes.io/legacy-unknown',
          'kubernetes.io/kube-apiserver-client',
          'kubernetes.io/kube-apiserver-client-kubelet',
          'kubernetes.io/kubelet-serving',
        ],
      ),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      events(),
    ],
    'ttl-after-finished-controller': [rule(['get', 'list', 'watch', 'delete'], ['batch'], ['jobs']), events()],
    // patch: Skiff refreshes a changed CA with a merge patch.
    'root-ca-cert-publisher': [rule(['create', 'update', 'patch'], [''], ['configmaps']), events()],
    // Skiff's own (k3s's local-path provisioner, narrowed): volumes it provisions, its default class.
    'local-path-provisioner': [
      rule([...READ, 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['create'], ['storage.k8s.io'], ['storageclasses']),
      events(),
    ],
  };
}

export function controllerClusterRoles(): KubeObject[] {
  return Object.entries(controllerRules()).map(([name, rules]) => clusterRole(PREFIX + name, rules));
}

export function controllerClusterRoleBindings(): KubeObject[] {
  return Object.keys(controllerRules()).map((name) => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name: PREFIX + name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: PREFIX + name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: CONTROLLER_ACCOUNTS_NAMESPACE }],
  }));
}

/** Upstream's namespaced Roles: the bootstrap signer (kube-system tokens, kube-public/cluster-info)
 *  and the token cleaner (kube-system tokens). */
export function controllerRoles(): { roles: KubeObject[]; bindings: KubeObject[] } {
  const meta = (name: string, namespace: string) => ({
    name,
    namespace,
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  });
  const role = (name: string, namespace: string, rules: PolicyRule[]): KubeObject => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: meta(PREFIX + name, namespace),
    rules,
  });
  const binding = (name: string, namespace: string): KubeObject => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: meta(PREFIX + name, namespace),
    roleRef: { apiGroup: RBAC, kind: 'Role', name: PREFIX + name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: CONTROLLER_ACCOUNTS_NAMESPACE }],
  });
  return {
    roles: [
      role('bootstrap-signer', 'kube-system', [rule(READ, [''], ['secrets'])]),
      role('bootstrap-signer', 'kube-public', [
        rule(READ, [''], ['configmaps']),
        rule(['update'], [''], ['configmaps'], ['cluster-info']),
        events(),
      ]),
      role('token-cleaner', 'kube-system', [rule(['delete', ...READ], [''], ['secrets']), events()]),
    ],
    bindings: [
      binding('bootstrap-signer', 'kube-system'),
      binding('bootstrap-signer', 'kube-public'),
      binding('token-cleaner', 'kube-system'),
    ],
  };
}

/** Every controller ServiceAccount the policy binds (created in kube-system on start). */
export function controllerAccountNames(): string[] {
  return [...Object.keys(controllerRules()), 'bootstrap-signer', 'token-cleaner'];
}
