// What exists in every cluster after start: the four system namespaces, the `kubernetes` Service
// and the bootstrap RBAC policy (reconciled into existing clusters).
import type { ApiCore } from './api-core';
import { ApiError } from './status';
import { reconcileBootstrapPolicy } from './authz/reconcile-policy';
import { CLUSTER_INFO } from '../pki/bootstrap-token';

export async function bootstrapCluster(core: ApiCore, opts: { apiServerPort: number }): Promise<void> {
  // Each step's writes are issued together: the store commits what one turn queued in one
  // transaction. Namespaces first (what follows is created inside them).
  await Promise.all(
    ['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((name) =>
      ignoreExists(core.resources.create(core.namespaceDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    ),
  );
  const rbac = (plural: string) => core.kinds.byResource('rbac.authorization.k8s.io', 'v1', plural)!;
  await Promise.all([
    ignoreExists(
      core.resources.create(core.serviceDef, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: {
          clusterIP: core.services.kubernetesServiceIP,
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.apiServerPort }],
          sessionAffinity: 'None',
          type: 'ClusterIP',
        },
      }),
    ),
    reconcileBootstrapPolicy({
      resources: core.resources,
      clusterRoles: rbac('clusterroles'),
      clusterRoleBindings: rbac('clusterrolebindings'),
      roles: rbac('roles'),
      roleBindings: rbac('rolebindings'),
    }),
    createClusterInfoAccess(core),
  ]);
  core.startCompactor();
}

async function ignoreExists(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
  }
}

/** kubeadm's Role and RoleBinding letting anyone read kube-public/cluster-info (join discovery). */
async function createClusterInfoAccess(core: ApiCore) {
  const rbac = (plural: string) => core.kinds.byResource('rbac.authorization.k8s.io', 'v1', plural)!;
  const name = 'kubeadm:bootstrap-signer-clusterinfo';
  const ns = CLUSTER_INFO.namespace;
  const metadata = { name, namespace: ns };
  await Promise.all([
    ignoreExists(
      core.resources.create(rbac('roles'), ns, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata,
        rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: [CLUSTER_INFO.name] }],
      }),
    ),
    ignoreExists(
      core.resources.create(rbac('rolebindings'), ns, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
      }),
    ),
  ]);
}
