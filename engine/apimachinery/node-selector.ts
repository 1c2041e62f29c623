// Which nodes a pod may land on, judged as upstream's nodeaffinity helpers do: its nodeSelector
// and required node-affinity terms, and the weighted preferred terms. The one matcher for the
// scheduler's filter and score and the DaemonSet controller's placement.
import { labelMatcherOf, labelSelectorFromSet, newRequirement, type LabelMatcher, type LabelOperator } from './selectors';
import type { NodeAffinity, NodeSelectorRequirement, NodeSelectorTerm } from './workload-types';

/** What node selection reads of a node. */
export interface NodeIdentity {
  name: string;
  labels: Record<string, string>;
}

export type NodeMatcher = (node: NodeIdentity) => boolean;

/** The pod spec fields node selection reads. */
export interface NodeSelection {
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: NodeAffinity };
}

export interface WeightedNodeMatcher {
  weight: number;
  matches: NodeMatcher;
}

const LABEL_OPERATORS: Partial<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

const never: NodeMatcher = () => false;
const always: NodeMatcher = () => true;

// Upstream reads node fields from a set holding only metadata.name; any other key reads as ''.
const fieldOf = (node: NodeIdentity, key: string) => (key === 'metadata.name' ? node.name : '');

/** The term's expressions as label requirements, or undefined when one is invalid (upstream's NewRequirement). */
function labelMatcher(exprs: NodeSelectorRequirement[]): LabelMatcher | undefined {
  try {
    return labelMatcherOf(
      exprs.map((r) => {
        const op = LABEL_OPERATORS[r.operator];
        if (!op) throw new Error(`unsupported operator ${r.operator}`);
        return newRequirement(r.key, op, r.values ?? []);
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * One NodeSelectorTerm: every expression over the node's labels and every field requirement over
 * its name must hold. A term upstream cannot parse (an unknown operator, a bad key or value, Gt/Lt
 * without exactly one integer, a field requirement other than In/NotIn with one value) matches no
 * node; an empty term matches every node (required terms drop empty ones first, as upstream).
 */
export function compileNodeSelectorTerm(term: NodeSelectorTerm | undefined): NodeMatcher {
  const labels = labelMatcher(term?.matchExpressions ?? []);
  if (!labels) return never;
  const fields: { key: string; value: string; equal: boolean }[] = [];
  for (const r of term?.matchFields ?? []) {
    if ((r.operator !== 'In' && r.operator !== 'NotIn') || r.values?.length !== 1) return never;
    fields.push({ key: r.key, value: r.values[0], equal: r.operator === 'In' });
  }
  if (labels.empty && !fields.length) return always;
  return (node) => labels.matches(node.labels) && fields.every((f) => (fieldOf(node, f.key) === f.value) === f.equal);
}

const isEmptyTerm = (t: NodeSelectorTerm) => !t.matchExpressions?.length && !t.matchFields?.length;

/**
 * A pod's nodeSelector (every label equal) and, when it has required node affinity, at least one
 * of its terms. Empty terms are skipped, so required affinity with no usable term matches no node.
 */
export function requiredNodeMatcher(spec: NodeSelection | undefined): NodeMatcher {
  const nodeSelector = spec?.nodeSelector ?? {};
  const selector = Object.keys(nodeSelector).length ? labelSelectorFromSet(nodeSelector) : undefined;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required && (required.nodeSelectorTerms ?? []).filter((t) => !isEmptyTerm(t)).map(compileNodeSelectorTerm);
  if (!selector && !terms) return always;
  return (node) => (!selector || selector.matches(node.labels)) && (!terms || terms.some((match) => match(node)));
}

/** The preferred node-affinity terms with a weight, compiled (an empty preference matches every node). */
export function preferredNodeMatchers(spec: NodeSelection | undefined): WeightedNodeMatcher[] {
  return (spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    .filter((p) => p.weight)
    .map((p) => ({ weight: p.weight, matches: compileNodeSelectorTerm(p.preference) }));
}
