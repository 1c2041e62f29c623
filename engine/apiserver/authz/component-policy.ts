// The roles Skiff's own components act under (issue 12: least privilege for the control plane).
// The scheduler and kubelets get upstream's roles as they are (system:kube-scheduler with
// system:volume-scheduler; system:node's rules, applied by the Node authorizer rather than a
// binding, as upstream). The controller manager runs each controller as its own ServiceAccount
// (--use-service-account-credentials; roles in controller-policy.ts). Skiff's own parts (network
// agent, ingress, node manager) get roles of their own.
import type { KubeObject } from '../../kinds/types';
import type { PolicyRule } from './rules';
import { clusterRole, clusterRoleBinding } from './bootstrap-policy';
import { CONTROLLER_MANAGER, GATEWAY_CONTROLLER, INGRESS_CONTROLLER, NETWORK_AGENT, NODE_MANAGER, NODES_GROUP, SCHEDULER } from './users';
import { BOOTSTRAPPERS_GROUP } from '../../pki/bootstrap-token';
import { controllerClusterRoleBindings, controllerClusterRoles } from './controller-policy';

const READ = ['get', 'list', 'watch'];
const EVENTS = (verbs = ['create', 'patch', 'update']): PolicyRule[] => [
  rule(verbs, [''], ['events']),
  rule(verbs, ['events.k8s.io'], ['events']),
];
function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return { verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) };
}
const REVIEWS = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
];

/** upstream's NodeRules(): what any kubelet may do before the Node authorizer's graph narrows
 *  Secrets, ConfigMaps, PVCs, PVs and ServiceAccounts to those of its own pods. */
export function nodeRules(): PolicyRule[] {
  return [
    ...REVIEWS,
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
    rule(READ, [''], ['services']),
    rule(['create', ...READ], [''], ['nodes']),
    rule(['update', 'patch'], [''], ['nodes/status']),
    rule(['update', 'patch', 'delete'], [''], ['nodes']),
    rule(['create', 'update', 'patch'], [''], ['events']),
    rule(READ, [''], ['pods']),
    rule(['create', 'delete'], [''], ['pods']), // mirror pods (NodeRestriction allows only those)
    rule(['update', 'patch'], [''], ['pods/status']),
    rule(['create'], [''], ['pods/eviction']),
    rule(['update', 'patch'], [''], ['persistentvolumeclaims/status']),
    rule(['create', ...READ], ['certificates.k8s.io'], ['certificatesigningrequests']),
    rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
    rule(READ, ['storage.k8s.io'], ['csidrivers']),
    rule(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
    rule(READ, ['node.k8s.io'], ['runtimeclasses']),
  ];
}

function schedulerRoles(): KubeObject[] {
  return [
    clusterRole('system:kube-scheduler', [
      ...EVENTS(),
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      rule(READ, [''], ['nodes', 'namespaces']),
      rule(['delete', ...READ], [''], ['pods']),
      rule(['create'], [''], ['bindings', 'pods/binding']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(READ, [''], ['replicationcontrollers', 'services', 'persistentvolumeclaims', 'persistentvolumes']),
      rule(READ, ['apps'], ['replicasets', 'statefulsets']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, ['storage.k8s.io'], ['csinodes', 'csidrivers', 'csistoragecapacities']),
      // Skiff's addition: its queue re-tries pods when a PriorityClass changes.
      rule(READ, ['scheduling.k8s.io'], ['priorityclasses']),
      ...REVIEWS,
    ]),
    clusterRole('system:volume-scheduler', [
      rule([...READ, 'patch', 'update'], [''], ['persistentvolumes', 'persistentvolumeclaims']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
    ]),
  ];
}

// upstream's system:kube-controller-manager: the manager's own identity lists and watches every
// kind for the shared informers, records events, holds its Lease and runs the token controller;
// each controller writes as its own ServiceAccount (controller-policy.ts).
function controllerManagerRole(): KubeObject {
  return clusterRole('system:kube-controller-manager', [
    ...EVENTS(),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
    rule(['create'], [''], ['secrets', 'serviceaccounts']),
    rule(['delete'], [''], ['secrets']),
    rule(['get'], [''], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
    rule(['update'], [''], ['secrets', 'serviceaccounts']),
    ...REVIEWS,
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['create'], [''], ['serviceaccounts/token']),
  ]);
}

function skiffRoles(): KubeObject[] {
  return [
    // Services and their endpoints to program ClusterIPs, DNS and host ports; LoadBalancer status.
    clusterRole('system:skiff:network-agent', [
      rule(READ, [''], ['services']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(['patch', 'update'], [''], ['services/status']),
      // NetworkPolicy enforcement: who is selected and where they are.
      rule(READ, [''], ['pods', 'namespaces']),
      rule(READ, ['networking.k8s.io'], ['networkpolicies']),
      ...EVENTS(),
    ]),
    // A joined machine's NetworkPolicy agent (kube-system/skiff-network-policy, as calico-node
    // runs as its own account): who is selected and where, read only. Its node identity may not
    // list other nodes' pods or any NetworkPolicy (the Node authorizer, as upstream).
    clusterRole('system:skiff:network-policy-agent', [
      rule(READ, [''], ['pods', 'namespaces']),
      rule(READ, ['networking.k8s.io'], ['networkpolicies']),
    ]),
    // ingress-nginx's role, narrowed: no Secrets at all here; it lists and watches only TLS
    // Secrets, by the field selector type=kubernetes.io/tls (tls-secrets-authorizer.ts).
    clusterRole('system:skiff:ingress-controller', [
      rule(READ, [''], ['services']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'ingressclasses']),
      rule(['create'], ['networking.k8s.io'], ['ingressclasses']),
      rule(['patch', 'update'], ['networking.k8s.io'], ['ingresses/status']),
      ...EVENTS(),
    ]),
    // The Gateway API controller: its routes and their backends, status of what it programs; TLS
    // Secrets as the ingress (by field selector). Its CRDs are installed by the composer.
    clusterRole('system:skiff:gateway-controller', [
      rule(READ, ['gateway.networking.k8s.io'], ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants']),
      rule(
        ['patch', 'update'],
        ['gateway.networking.k8s.io'],
        ['gatewayclasses/status', 'gateways/status', 'httproutes/status', 'grpcroutes/status'],
      ),
      rule(READ, [''], ['namespaces', 'services']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      ...EVENTS(),
    ]),
    // One watch of Nodes and one of bound Pods feed every in-process kubelet; each kubelet's
    // own reads and writes go as its node.
    clusterRole('system:skiff:node-manager', [rule(READ, [''], ['nodes', 'pods'])]),
    // Bound to nobody: the Node authorizer applies these rules; kept for `kubectl describe`.
    clusterRole('system:node', nodeRules()),
    // For nodes joining with a bootstrap token (issue 15); bound as kubeadm binds them.
    clusterRole('system:node-bootstrapper', [rule(['create', ...READ], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [
      rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient']),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [
      rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient']),
    ]),
  ];
}

export function componentClusterRoles(): KubeObject[] {
  return [...schedulerRoles(), controllerManagerRole(), ...skiffRoles(), ...controllerClusterRoles()];
}

export function componentClusterRoleBindings(): KubeObject[] {
  const user = (name: string) => ({ kind: 'User' as const, name });
  const group = (name: string) => ({ kind: 'Group' as const, name });
  return [
    ...controllerClusterRoleBindings(),
    clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [user(SCHEDULER.user)]),
    clusterRoleBinding('system:volume-scheduler', 'system:volume-scheduler', [user(SCHEDULER.user)]),
    clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', [user(CONTROLLER_MANAGER.user)]),
    clusterRoleBinding('system:skiff:network-agent', 'system:skiff:network-agent', [user(NETWORK_AGENT.user)]),
    {
      ...clusterRoleBinding('system:skiff:network-policy-agent', 'system:skiff:network-policy-agent', []),
      subjects: [{ kind: 'ServiceAccount', name: 'skiff-network-policy', namespace: 'kube-system' }],
    },
    clusterRoleBinding('system:skiff:ingress-controller', 'system:skiff:ingress-controller', [user(INGRESS_CONTROLLER.user)]),
    clusterRoleBinding('system:skiff:gateway-controller', 'system:skiff:gateway-controller', [user(GATEWAY_CONTROLLER.user)]),
    clusterRoleBinding('system:skiff:node-manager', 'system:skiff:node-manager', [user(NODE_MANAGER.user)]),
    // kubeadm's: bootstrap tokens may ask for a node client certificate (auto-approved), and
    // nodes may renew their own.
    clusterRoleBinding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [group(BOOTSTRAPPERS_GROUP)]),
    clusterRoleBinding('kubeadm:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', [
      group(BOOTSTRAPPERS_GROUP),
    ]),
    clusterRoleBinding(
      'kubeadm:node-autoapprove-certificate-rotation',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      [group(NODES_GROUP)],
    ),
  ];
}
