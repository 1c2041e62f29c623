import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sClient } from './client';
import { K8sError } from './errors';
import { loadObjectIndex, searchableKinds } from './object-index';
import type { ApiResource } from './types';

const kind = (group: string, name: string, namespaced = true, verbs = ['list']): ApiResource => ({
  group,
  version: 'v1',
  name,
  kind: name,
  namespaced,
  verbs,
  shortNames: [],
});

test('searchable kinds: listable, no subresources, no events, no duplicates', () => {
  const kinds = searchableKinds([
    kind('', 'pods'),
    kind('', 'pods/log'),
    kind('', 'events'),
    kind('events.k8s.io', 'events'),
    kind('', 'bindings', true, ['create']),
    kind('', 'pods'),
    kind('apps', 'deployments'),
  ]);
  assert.deepEqual(
    kinds.map((k) => `${k.group}/${k.name}`),
    ['/pods', 'apps/deployments'],
  );
});

test('the index lists each kind in the namespace (cluster kinds everywhere) and skips kinds it may not list', async () => {
  const asked: string[] = [];
  const client = {
    getJson(path: string, o: { accept?: string; query?: Record<string, string> }) {
      asked.push(`${path} ${o.query?.includeObject} ${o.accept?.includes('as=Table')}`);
      if (path.includes('secrets')) return Promise.reject(new K8sError('forbidden', 403, 'Forbidden', ''));
      const ns = path.includes('/namespaces/') ? 'shop' : undefined;
      return Promise.resolve({
        columnDefinitions: [{ name: 'Name', type: 'string', format: 'name' }],
        rows: [{ cells: ['a'], object: { kind: 'PartialObjectMetadata', metadata: { name: 'a', namespace: ns } } }],
      });
    },
  } as unknown as K8sClient;
  const got: string[] = [];
  await loadObjectIndex(client, [kind('', 'pods'), kind('', 'secrets'), kind('', 'nodes', false)], 'shop', {
    onKind: (objs) => got.push(...objs.map((o) => `${o.resource.name}:${o.namespace}/${o.name}`)),
  });
  assert.deepEqual(got.sort(), ['nodes:/a', 'pods:shop/a']);
  assert.ok(asked.includes('/api/v1/namespaces/shop/pods Metadata true'), asked.join('\n'));
  assert.ok(asked.includes('/api/v1/nodes Metadata true'), asked.join('\n'));
});

test('a big kind is read in pages that follow the continue token, each handed over as it arrives', async () => {
  const asked: Array<Record<string, string | undefined>> = [];
  const pages: Record<string, { names: string[]; next?: string }> = {
    '': { names: ['a', 'b'], next: 'tok-1' },
    'tok-1': { names: ['c', 'd'], next: 'tok-2' },
    'tok-2': { names: ['e'] },
  };
  const client = {
    getJson(_path: string, o: { query?: Record<string, string | undefined> }) {
      asked.push(o.query ?? {});
      const page = pages[o.query?.continue ?? ''];
      return Promise.resolve({
        // Only the first page carries the columns here: later pages still read their names.
        columnDefinitions: o.query?.continue ? [] : [{ name: 'Name', type: 'string', format: 'name' }],
        metadata: page.next ? { continue: page.next } : {},
        rows: page.names.map((name) => ({
          cells: [name],
          object: { kind: 'PartialObjectMetadata', metadata: { name, namespace: 'big' } },
        })),
      });
    },
  } as unknown as K8sClient;
  const handed: string[][] = [];
  await loadObjectIndex(client, [kind('', 'pods')], 'big', { onKind: (objs) => handed.push(objs.map((o) => o.name)) });
  assert.deepEqual(handed, [['a', 'b'], ['c', 'd'], ['e']]);
  assert.deepEqual(
    asked.map((q) => [q.limit, q.continue]),
    [
      ['5000', undefined],
      ['5000', 'tok-1'],
      ['5000', 'tok-2'],
    ],
  );
});
