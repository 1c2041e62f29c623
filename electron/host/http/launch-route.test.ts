import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLaunchRoute } from './launch-route';

test('launch routes: as the address bar shows them, with or without "#"; anything else refused', () => {
  assert.equal(normalizeLaunchRoute('#/c/skiff-dev/core/pods?ns=x'), '/c/skiff-dev/core/pods?ns=x');
  assert.equal(normalizeLaunchRoute('c/skiff-dev'), '/c/skiff-dev');
  assert.equal(normalizeLaunchRoute('/c/a%2Fb/apps/deployments/ns/web'), '/c/a%2Fb/apps/deployments/ns/web');
  assert.equal(normalizeLaunchRoute('/start'), '/start');
  for (const bad of ['', '/', '/c/', '/pods', 'http://evil/', '/c/x y', '/c/x"', "/c/x'", '/c/<x>', '/c/é', `/c/${'a'.repeat(3000)}`]) {
    assert.equal(normalizeLaunchRoute(bad), undefined, bad);
  }
});
