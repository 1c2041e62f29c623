import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wellKnown } from '../k8s/resources';
import { paletteItems, type PaletteContext } from './palette-items';
import { createPaletteSearch, itemText, type PaletteItem, type SearchSource } from './palette-search';

function context(more: Partial<PaletteContext> = {}): { c: PaletteContext; calls: string[] } {
  const calls: string[] = [];
  const c: PaletteContext = {
    profile: 'skiff-dev',
    namespace: 'shop',
    denied: [],
    profiles: [{ name: 'skiff-dev', source: 'local', status: 'ready' }],
    namespaces: ['default', 'shop'],
    nav: {
      showOverview: () => calls.push('overview'),
      showMap: () => calls.push('map'),
      showStart: () => calls.push('start'),
      showList: (r) => calls.push(`list:${r.name}`),
      selectProfile: (p) => calls.push(`profile:${p}`),
      setNamespace: (ns) => calls.push(`ns:${ns}`),
    },
    runAction: (sel, a) => calls.push(`${a}:${sel.name}`),
    ...more,
  };
  return { c, calls };
}

const source = (c: PaletteContext): SearchSource<PaletteItem> => ({
  items: paletteItems(c),
  key: (i) => itemText(i.label, i.hint),
  toItem: (i) => i,
});

/** One search with nothing remembered. */
const searchSources = (sources: SearchSource<unknown>[], q: string, limit: number) => createPaletteSearch().search(sources, q, limit);

void test('the palette opens the resource map of the namespace: "map" finds it first, above ConfigMaps', () => {
  const { c, calls } = context();
  const map = paletteItems(c).find((i) => i.id === 'map');
  assert.ok(map);
  assert.equal(map.label, 'Map');
  assert.match(map.hint, /resource map of namespace shop/);
  for (const q of ['map', 'Map', 'resource map']) assert.equal(searchSources([source(c)], q, 10)[0]?.id, 'map', `query "${q}"`);
  assert.ok(
    searchSources([source(c)], 'map', 10).some((i) => i.id === 'kind:configmaps'),
    'ConfigMaps still offered',
  );
  searchSources([source(c)], 'map', 1)[0].run();
  assert.deepEqual(calls, ['map']);
  assert.match(paletteItems(context({ namespace: '' }).c).find((i) => i.id === 'map')!.hint, /all namespaces/);
  // No cluster chosen: nothing to map (nor an Overview).
  const none = paletteItems(context({ profile: undefined }).c).map((i) => i.id);
  assert.equal(none.includes('map'), false);
  assert.equal(none.includes('overview'), false);
});

void test('the selection’s actions come first, refused ones with their reason; namespaces and other clusters are offered', () => {
  const selection = { resource: wellKnown.pods, namespace: 'shop', name: 'web-1' };
  const { c, calls } = context({
    selection,
    denied: ['', 'You lack create on pods/exec', '', ''],
    profiles: [
      { name: 'skiff-dev', source: 'local', status: 'ready' },
      { name: 'prod', source: 'kubeconfig', status: 'unreachable' },
    ],
  });
  const items = paletteItems(c);
  assert.deepEqual(
    items.slice(0, 4).map((i) => i.label),
    ['Logs of Pod web-1', 'Shell in Pod web-1', 'Edit YAML of Pod web-1', 'Delete Pod web-1'],
  );
  assert.equal(items[1].denied, 'You lack create on pods/exec');
  assert.equal(items[1].hint, 'not allowed: You lack create on pods/exec');
  items[0].run();
  items.find((i) => i.id === 'ns:shop')!.run();
  items.find((i) => i.id === 'profile:prod')!.run();
  assert.equal(
    items.some((i) => i.id === 'profile:skiff-dev'),
    false,
    'not the cluster already open',
  );
  assert.deepEqual(calls, ['logs:web-1', 'ns:shop', 'profile:prod']);
});
