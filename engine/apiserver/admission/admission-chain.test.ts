import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainAdmission } from './admission-chain';
import type { Admission } from '../resource-store';
import type { KindDef, KubeObject } from '../../kinds/types';

const kind = (group: string, plural: string) => ({ group, plural, kind: plural, version: 'v1', namespaced: true }) as unknown as KindDef;
const pods = kind('', 'pods');
const configmaps = kind('', 'configmaps');
const obj = { metadata: { name: 'x' } } as KubeObject;

test('the chain skips plugins for kinds they do not act on and while they are idle, keeping the order of the rest', async () => {
  const calls: string[] = [];
  let webhooksIdle = true;
  const note = (what: string) => {
    calls.push(what);
    return Promise.resolve();
  };
  const plugin = (name: string, extra: Partial<Admission> = {}): Admission => ({
    admit: (def) => note(`${name} admit ${def.plural}`),
    admitValid: (def) => note(`${name} valid ${def.plural}`),
    admitDelete: (def) => note(`${name} delete ${def.plural}`),
    ...extra,
  });
  const chain = chainAdmission([
    plugin('podsOnly', { appliesTo: (def) => def.plural === 'pods' }),
    plugin('webhooks', { idle: () => webhooksIdle }),
    plugin('any'),
  ]);
  await chain.admit(configmaps, obj, undefined, false);
  await chain.admit(pods, obj, undefined, false);
  webhooksIdle = false; // a configuration appeared: asked again on the next request
  await chain.admitValid!(configmaps, obj, undefined, false);
  await chain.admitDelete!(pods, obj, false);
  assert.deepEqual(calls, [
    'any admit configmaps',
    'podsOnly admit pods',
    'any admit pods',
    'webhooks valid configmaps',
    'any valid configmaps',
    'podsOnly delete pods',
    'webhooks delete pods',
    'any delete pods',
  ]);
  assert.equal(chain.appliesTo!(configmaps), true);
  assert.equal(chainAdmission([plugin('podsOnly', { appliesTo: (def) => def.plural === 'pods' })]).appliesTo!(configmaps), false);
});
