import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { HostClient } from '../../host/host-client';
import type { K8sClient } from '../../k8s/client';
import { createAccessReviewer } from '../../k8s/access';
import { createCrdCache } from '../../k8s/crd-cache';
import { createMetricsSampler } from '../../k8s/metrics-sampler';
import { createStreamSlots } from '../../k8s/stream-slots';
import type { KubeObject } from '../../k8s/types';
import { createAppStore, type AppState } from '../../state/app-store';
import { ServicesContext, type Services } from '../../state/services';
import type { KindViewProps } from './kind-views';
import { builtInKindViews } from './built-in-views';

// One object per registered kind and the testid its section renders (none: actions only).
const samples: Record<string, { obj: KubeObject; section?: string; action?: string }> = {
  'Pod.': {
    obj: { kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } },
    section: 'pod-section',
    action: 'action-logs',
  },
  'Deployment.apps': {
    obj: { kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 1 } },
    section: 'deployment-section',
    action: 'action-scale',
  },
  'StatefulSet.apps': { obj: { kind: 'StatefulSet', metadata: { name: 's', namespace: 'default' } }, action: 'action-scale' },
  'DaemonSet.apps': { obj: { kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'default' } }, action: 'action-restart' },
  'ReplicaSet.apps': { obj: { kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default' } }, action: 'action-scale' },
  'Job.batch': {
    obj: { kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { selector: { matchLabels: { job: 'j' } } } },
    action: 'action-logs',
  },
  'Node.': { obj: { kind: 'Node', metadata: { name: 'n' } }, section: 'node-section', action: 'action-cordon' },
  'Service.': {
    obj: { kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }] } },
    section: 'service-section',
    action: 'action-port-forward',
  },
  'Secret.': { obj: { kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { a: 'eA==' } }, section: 'data-section' },
  'ConfigMap.': { obj: { kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'x' } }, section: 'data-section' },
  'Ingress.networking.k8s.io': {
    obj: { kind: 'Ingress', metadata: { name: 'i', namespace: 'default' }, spec: { rules: [{ host: 'web.localhost' }] } },
    section: 'ingress-section',
  },
  'HTTPRoute.gateway.networking.k8s.io': {
    obj: { kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default' }, spec: { parentRefs: [{ name: 'gw' }] } },
    section: 'httproute-section',
  },
  'CustomResourceDefinition.apiextensions.k8s.io': {
    obj: {
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true }],
      } as never,
    },
    section: 'crd-open-list',
  },
};

function services(state: Partial<AppState> = { profile: 'p' }): Services {
  const pending = () => new Promise<never>(() => {});
  const client = { getJson: pending, send: pending, open: pending } as unknown as K8sClient;
  const store = createAppStore({ host: {} as HostClient, k8s: () => client, later: () => {} });
  store.setState(state);
  // A server render reads the store's initial state: make that the state set here.
  const rendered = { ...store, getInitialState: store.getState };
  const metrics = createMetricsSampler({ client });
  return {
    store: rendered,
    host: {} as HostClient,
    k8s: () => client,
    fetch: pending,
    wsOrigin: 'ws://x',
    socket: () => {
      throw new Error('no sockets here');
    },
    slots: createStreamSlots(),
    metrics: () => metrics,
    access: () => createAccessReviewer({ client }),
    crds: () => createCrdCache({ client }),
    scrollback: new Map(),
  };
}

const render = (node: unknown, state?: Partial<AppState>) =>
  renderToStaticMarkup(React.createElement(ServicesContext.Provider, { value: services(state) }, node as never));

test('every registered kind has a sample here, and renders its section and actions', () => {
  const views = builtInKindViews();
  const registered = views.kinds().map((k) => `${k.kind}.${k.group}`);
  assert.deepEqual(registered.sort(), Object.keys(samples).sort(), 'a kind registered without a sample in this test (or the reverse)');
  for (const ref of views.kinds()) {
    const sample = samples[`${ref.kind}.${ref.group}`];
    const view = views.find(ref.group, ref.kind);
    assert.ok(view, ref.kind);
    const resource = {
      group: ref.group,
      version: 'v1',
      name: ref.kind.toLowerCase() + 's',
      kind: ref.kind,
      namespaced: true,
      verbs: [],
      shortNames: [],
    };
    const props: KindViewProps = { obj: sample.obj, resource, events: [], reload: () => {} };
    if (sample.section) assert.match(render(view.section?.(props)), new RegExp(`data-testid="${sample.section}"`), `${ref.kind} section`);
    else assert.equal(view.section, undefined, `${ref.kind} has no section`);
    if (sample.action) assert.match(render(view.actions?.(props)), new RegExp(`data-testid="${sample.action}"`), `${ref.kind} actions`);
  }
});

test('a custom resource named like a built-in kind is not shown as one', () => {
  const views = builtInKindViews();
  assert.ok(views.find('', 'Pod'));
  assert.equal(views.find('example.com', 'Pod'), undefined);
  assert.equal(views.find('', 'Widget'), undefined);
});

test('a section and actions registered separately for one kind are kept together', () => {
  const views = builtInKindViews();
  const d = views.find('apps', 'Deployment');
  assert.ok(d?.section && d.actions);
});

test("an Ingress on a local cluster links its host on the cluster's ingress port", () => {
  const views = builtInKindViews();
  const obj = samples['Ingress.networking.k8s.io'].obj;
  const resource = {
    group: 'networking.k8s.io',
    version: 'v1',
    name: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    verbs: [],
    shortNames: [],
  };
  const local = { name: 'dev', profile: 'skiff-dev', state: 'running' as const, steps: [], progress: 1, ingress: { http: 18080 } };
  const html = render(views.find('networking.k8s.io', 'Ingress')?.section?.({ obj, resource, events: [], reload: () => {} }), {
    profile: 'skiff-dev',
    clusters: { dev: local },
  });
  assert.match(html, /<a href="http:\/\/web\.localhost:18080\/" target="_blank" rel="noopener noreferrer"/);
});

test("an HTTPRoute's panel shows each parent's Accepted and ResolvedRefs, with the reason when one failed", () => {
  const obj: KubeObject = {
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'default' },
    spec: { parentRefs: [{ name: 'gw' }] },
    status: {
      parents: [
        {
          parentRef: { name: 'gw' },
          conditions: [
            { type: 'Accepted', status: 'True', reason: 'Accepted' },
            { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: 'Service default/nope not found' },
          ],
        },
      ],
    },
  };
  const resource = {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    name: 'httproutes',
    kind: 'HTTPRoute',
    namespaced: true,
    verbs: [],
    shortNames: [],
  };
  const html = render(
    builtInKindViews()
      .find(resource.group, 'HTTPRoute')
      ?.section?.({ obj, resource, events: [], reload: () => {} }),
  );
  assert.match(html, /data-type="Accepted" data-status="True"/);
  assert.match(html, /data-type="ResolvedRefs" data-status="False"[^>]*>ResolvedRefs ✗ BackendNotFound: Service default\/nope not found/);
});
