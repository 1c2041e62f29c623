// NetworkPolicy enforcement, host side: watches Pods, Namespaces and NetworkPolicies, recomputes the
// policy model on every change (debounced) and programs both enforcement points: the host's bridge
// (direct pod → pod, policy-host.ts) and the network agent (Service traffic after its DNAT; the
// script rides on the routing table, `agentScript`). What cannot be enforced is said in the log,
// as a Warning event on each policy and in `<cluster dir>/network-policy` (`skiff status`).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient, ResourceRef } from '../../client/types';
import { R } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { createInformer } from '../../client/informer';
import type { ClusterKey } from '../../docker/names';
import type { AddressPlan } from '../address-plan';
import { computePolicyModel, policyPods, type PolicyModel } from './policy-model';
import { policyScript } from './policy-nft';
import { modelToJson, type PolicyModelJson } from './policy-check';
import { hostPolicyTable, type HostPolicyTarget } from './policy-host';

export const NETWORK_POLICIES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' };
/** In the cluster dir: what enforces NetworkPolicy now (read by `skiff status`). */
export const NETWORK_POLICY_FILE = 'network-policy';
/** The agent's table (its own network namespace). */
export const AGENT_POLICY_TABLE = 'skiff-policy';

const EMPTY: PolicyModel = { ingress: new Map(), egress: new Map() };

export interface PolicyController {
  /** The nft script for the agent (Service traffic); changes call `onChange`. */
  agentScript(): string;
  /** The model for the agent's userspace proxy (the fallback checks each connection against it). */
  agentModel(): PolicyModelJson;
  /** The agent said how Service traffic runs (kernel rules or the userspace proxy's checks). */
  setServiceProxy(mode: 'kernel' | 'userspace', detail: string): void;
  /** Recomputes soon (what the host enforcer's target says changed). */
  refresh(): void;
  /** Resolves once the host's rules match what is known now. */
  synced(): Promise<void>;
  /** Stops watching and removes the host's table (the shared namespace keeps nothing of a stopped cluster). */
  stop(): Promise<void>;
}

export interface HostEnforcer {
  target: () => Promise<HostPolicyTarget>;
  /** Installs the script; resolves with a problem when the rules would see nothing. */
  apply: (script: string) => Promise<string | undefined>;
}

export interface PolicyControllerOptions {
  client: KubeClient;
  cluster: ClusterKey;
  clusterDir: string;
  /** Read at each recompute (a joined machine learns it from the first one). */
  plan: Pick<AddressPlan, 'serviceCIDR'>;
  /** The host's enforcement point (policy-host.ts over Docker; tests give their own). */
  host: HostEnforcer;
  onChange(): void;
  event(obj: KubeObject, type: string, reason: string, message: string): void;
  log(line: string): void;
  debounceMs?: number;
}

export function startPolicyController(o: PolicyControllerOptions): PolicyController {
  const debounceMs = o.debounceMs ?? 100;
  const log = (line: string) => o.log(line);
  const pods = createInformer(o.client, R.pods, { log });
  const namespaces = createInformer(o.client, R.namespaces, { log });
  const policies = createInformer(o.client, NETWORK_POLICIES, { log });
  const all = [pods, namespaces, policies];
  // Pods and Namespaces are watched only once a policy exists: no cost for clusters without any.
  let watching: Promise<unknown> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let agentScript = '';
  let model: PolicyModel = { ingress: new Map(), egress: new Map() };
  let hostApplied: string | undefined;
  let hostProblem = '';
  let proxy: { mode: string; detail: string } | undefined;
  let syncing: Promise<void> = Promise.resolve();
  const warned = new Set<string>(); // "uid|reason" already reported
  rmSync(join(o.clusterDir, NETWORK_POLICY_FILE), { force: true });

  const started = policies.start();
  started.catch((e: Error) => o.log(`network policy: informers: ${e.message}`));
  for (const i of all) i.addHandlers({ add: () => schedule(), update: () => schedule(), delete: () => schedule() });
  started.then(() => schedule(0)).catch(() => {});

  function schedule(ms = debounceMs) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      syncing = syncing.then(sync).catch((e: Error) => o.log(`network policy: ${e.message}`));
    }, ms);
  }

  async function sync() {
    if (stopped || !policies.hasSynced()) return;
    if (policies.list().length && !watching) {
      watching = Promise.all([pods.start(), namespaces.start()]);
      watching.catch((e: Error) => o.log(`network policy: informers: ${e.message}`));
      await watching.catch(() => {});
    }
    if (watching && !(pods.hasSynced() && namespaces.hasSynced())) return;
    model = computePolicyModel({ pods: policyPods(pods.list()), namespaces: namespaces.list(), policies: policies.list() });
    const nextAgent = policyScript(model, { table: AGENT_POLICY_TABLE });
    if (nextAgent !== agentScript) {
      agentScript = nextAgent;
      o.onChange();
    }
    const active = model.ingress.size + model.egress.size > 0;
    try {
      const target = await o.host.target();
      const pass = [`iifname "${target.bridge}" ip daddr ${o.plan.serviceCIDR}`];
      if (target.agentIP) pass.push(`iifname "${target.bridge}" ip saddr ${target.agentIP}`);
      for (const ip of target.passFrom ?? []) pass.push(`ip saddr ${ip}`);
      const script = policyScript(model, { table: hostPolicyTable(o.cluster), bridge: target.bridge, pass });
      // Nothing to remove and nothing to install: no container either.
      if (script !== hostApplied && (active || hostApplied !== undefined)) {
        const problem = await o.host.apply(script);
        hostProblem = problem ? `pod-to-pod traffic is not filtered (${problem})` : '';
        if (problem) o.log(`network policy: ${hostProblem}`);
        o.log(`network policy: ${model.ingress.size} pod(s) isolated for ingress, ${model.egress.size} for egress`);
      }
      hostApplied = script;
    } catch (e) {
      hostProblem = `pod-to-pod traffic is not filtered (${(e as Error).message})`;
      if (active) {
        o.log(`network policy: ${hostProblem}; retrying in 5 s`);
        setTimeout(() => schedule(0), 5000).unref();
      }
    }
    report(active);
  }

  function report(active: boolean) {
    const problems: string[] = [];
    if (hostProblem) problems.push(hostProblem);
    const where = proxy && proxy.mode !== 'kernel' ? 'nftables; Service traffic checked by the userspace proxy' : 'nftables';
    const state = problems.length ? `NOT ENFORCED: ${problems.join('; ')}` : `enforced (${where})`;
    try {
      if (active || problems.length) writeFileSync(join(o.clusterDir, NETWORK_POLICY_FILE), `${state}\n`);
      else rmSync(join(o.clusterDir, NETWORK_POLICY_FILE), { force: true });
    } catch (e) {
      o.log(`network policy: cannot record its state: ${(e as Error).message}`);
    }
    if (!active || !problems.length) return;
    for (const pol of policies.list()) {
      const key = `${pol.metadata.uid}|${state}`;
      if (warned.has(key)) continue;
      warned.add(key);
      o.event(pol, 'Warning', 'PolicyNotEnforced', problems.join('; '));
    }
  }

  return {
    agentScript: () => agentScript,
    agentModel: () => modelToJson(model),
    refresh: () => schedule(0),
    setServiceProxy(mode, detail) {
      proxy = { mode, detail };
      schedule(0);
    },
    async synced() {
      await started;
      // Only a pending recompute is waited for (no cost on the start path without policies).
      while (timer && !stopped) await new Promise((r) => setTimeout(r, 10));
      await syncing;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const i of all) i.stop();
      await syncing;
      if (hostApplied === undefined || hostApplied === policyScript(EMPTY, { table: hostPolicyTable(o.cluster) })) return;
      const script = policyScript(EMPTY, { table: hostPolicyTable(o.cluster) });
      await o.host.apply(script).catch((e: Error) => o.log(`network policy: removing the host's rules: ${e.message}`));
    },
  };
}
