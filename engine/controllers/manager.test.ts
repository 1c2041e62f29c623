import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerFactories, startControllerManager } from './manager';
import { startTestCore } from '../apiserver/testing/test-cluster';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';

void test('each controller is registered under its own name', async () => {
  const tc = await startTestCore();
  try {
    const deps = {
      client: tc.client,
      informers: createInformerFactory(tc.client),
      events: createEventRecorder({ client: tc.client, component: 'test' }),
      log: () => {},
      now: () => new Date(),
      resources: () => [],
    };
    for (const [name, make] of Object.entries(controllerFactories)) assert.equal(make(deps).name, name);
  } finally {
    await tc.close();
  }
});

void test('a manager limited with `only` builds just those controllers; GC and namespaces need the resource list', async () => {
  const tc = await startTestCore();
  try {
    const cm = await startControllerManager({ client: tc.client, only: ['disruption', 'garbagecollector'] });
    assert.deepEqual(
      cm.controllers.map((c) => c.name),
      ['disruption'],
    );
    cm.stop();
  } finally {
    await tc.close();
  }
});
