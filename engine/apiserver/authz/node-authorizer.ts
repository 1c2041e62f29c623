// The Node authorizer (upstream's plugin/pkg/auth/authorizer/node), asked before RBAC for users
// system:node:<name> in system:nodes. Secrets, ConfigMaps, PVCs, PVs and ServiceAccounts are
// readable one by one, and only when a pod bound to the node uses them (node-graph.ts); a node
// reaches only its own Lease; with upstream's AuthorizeNodeWithSelectors (KEP-4601, on by default
// since 1.32) it reads only its own Node and lists or watches only the pods with the field
// selector `spec.nodeName=<itself>` (one pod by name: when bound to it), so another node's pod
// specs stay hidden; everything else is what upstream's system:node rules allow
// (NodeRestriction admission then narrows writes to its own Node, Lease and pods). Whatever this
// does not allow gets no opinion and RBAC decides, as with `--authorization-mode=Node,RBAC`.
import type { Attributes } from './request-info';
import type { Decision } from './rbac-authorizer';
import type { GraphResource, NodeGraph } from './node-graph';
import { ruleAllows } from './rules';
import { nodeRules } from './component-policy';
import { nodeNameOf } from './users';

export type NodeDecision = Decision & { noOpinion?: boolean };

export interface NodeAuthorizer {
  /** undefined when the user is not a node (RBAC alone decides). */
  authorize(a: Attributes): Promise<NodeDecision> | undefined;
}

const READ = new Set(['get', 'list', 'watch']);
const GRAPHED = new Set<string>(['secrets', 'configmaps', 'persistentvolumeclaims', 'persistentvolumes', 'serviceaccounts']);
const LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_VERBS = new Set(['get', 'create', 'update', 'patch', 'delete']);
const ALLOW: NodeDecision = { allowed: true, reason: '' };
const noOpinion = (reason: string): NodeDecision => ({ allowed: false, noOpinion: true, reason });

/** Upstream's authorizeNode: its own Node read by name; writes left to NodeRestriction. Anything
 *  else (a node deleting its own Node when it leaves) goes to the system:node rules. */
function nodeDecision(node: string, a: Attributes): NodeDecision | undefined {
  if (a.subresource === '') {
    if (a.verb === 'create' || a.verb === 'update' || a.verb === 'patch') return ALLOW;
    if (READ.has(a.verb)) {
      if (a.name === node) return ALLOW;
      return noOpinion(
        a.name
          ? `node '${node}' cannot read '${a.name}', only its own Node object`
          : `node '${node}' cannot read all nodes, only its own Node object`,
      );
    }
  }
  if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return ALLOW;
  return undefined;
}

/** Upstream's authorizePod writes: mirror pods, status and eviction (NodeRestriction keeps them to its own pods). */
function podWrite(a: Attributes): NodeDecision {
  if (a.subresource === '' && (a.verb === 'create' || a.verb === 'delete')) return ALLOW;
  if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return ALLOW;
  if (a.subresource === 'eviction' && a.verb === 'create') return ALLOW;
  return noOpinion('');
}

export function createNodeAuthorizer(graph: NodeGraph): NodeAuthorizer {
  const rules = nodeRules();
  // The rules do not depend on the node: one decision per verb and resource for every node.
  const byRules = new Map<string, NodeDecision>();
  const ruleDecision = (a: Attributes) => {
    const key = a.resourceRequest ? `${a.verb}\0${a.apiGroup}\0${a.resource}\0${a.subresource}` : `${a.verb}\0\0${a.path}`;
    let d = byRules.get(key);
    if (!d) byRules.set(key, (d = rules.some((r) => ruleAllows({ ...a, name: '' }, r)) ? ALLOW : noOpinion('')));
    return d;
  };

  async function related(node: string, a: Attributes, resource: GraphResource): Promise<NodeDecision> {
    if (await graph.reaches(node, resource, a.namespace, a.name)) return ALLOW;
    return noOpinion(`no relationship found between node '${node}' and this object`);
  }

  return {
    authorize(a) {
      const node = nodeNameOf(a.user);
      if (node === undefined) return undefined;
      if (!a.resourceRequest) return Promise.resolve(ruleDecision(a));
      const core = a.apiGroup === '';
      if (core && GRAPHED.has(a.resource)) {
        if (a.resource === 'serviceaccounts' && a.subresource === 'token') {
          if (a.verb !== 'create') return Promise.resolve(noOpinion('can only create tokens for individual service accounts'));
          // A token is for a pod bound to this node, which uses this ServiceAccount.
          return related(node, a, 'serviceaccounts');
        }
        if (a.resource === 'persistentvolumeclaims' && a.subresource === 'status') return Promise.resolve(ruleDecision(a));
        if (a.subresource) return Promise.resolve(noOpinion(`cannot read subresource ${a.subresource}`));
        if (!READ.has(a.verb)) return Promise.resolve(noOpinion('can only read resources of this type'));
        if (!a.name) return Promise.resolve(noOpinion('can only read individual resources of this type'));
        return related(node, a, a.resource as GraphResource);
      }
      if (core && a.resource === 'nodes') return Promise.resolve(nodeDecision(node, a) ?? ruleDecision(a));
      if (core && a.resource === 'pods') {
        if (a.subresource === '' && a.verb === 'get') return related(node, a, 'pods');
        if (a.subresource === '' && (a.verb === 'list' || a.verb === 'watch')) {
          if (a.fieldSelector?.some((r) => r.field === 'spec.nodeName' && r.operator === '=' && r.value === node))
            return Promise.resolve(ALLOW);
          if (a.name) return related(node, a, 'pods');
          return Promise.resolve(noOpinion('can only list/watch pods with spec.nodeName field selector'));
        }
        return Promise.resolve(podWrite(a));
      }
      if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
        if (!LEASE_VERBS.has(a.verb)) return Promise.resolve(noOpinion('can only get, create, update, patch, or delete a node lease'));
        if (a.namespace !== LEASE_NAMESPACE) return Promise.resolve(noOpinion('can only access leases in the kube-node-lease namespace'));
        // A create names its lease in the body: NodeRestriction checks it.
        if (a.verb !== 'create' && a.name !== node)
          return Promise.resolve(noOpinion('can only access node lease with the same name as the requesting node'));
        return Promise.resolve(ALLOW);
      }
      return Promise.resolve(ruleDecision(a));
    },
  };
}
