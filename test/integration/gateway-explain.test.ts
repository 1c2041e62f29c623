// `kubectl explain` on the bundled Gateway API CRDs (oldest and newest supported kubectl): the
// fields carry descriptions, so explain has something to say about HTTPRoute rules and Gateway
// listeners, as it does for upstream's CRDs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCrdFixture, type CrdFixture } from './crd-fixture';
import { gatewayCrds } from '../../engine/network/gateway/gateway-crds';

let c: CrdFixture;
before(async () => {
  c = await startCrdFixture();
  for (const crd of gatewayCrds()) await c.establish(crd);
});
after(async () => {
  await c?.close();
});

for (const version of ['1.27', '1.33']) {
  test(`kubectl ${version} explain shows the descriptions of HTTPRoute rules and Gateway listeners`, async () => {
    const explain = async (what: string) => {
      const r = await c.kubectl(version, ['explain', what]);
      assert.equal(r.code, 0, `kubectl explain ${what}: ${r.stderr}`);
      return r.stdout.replace(/\s+/g, ' ');
    };
    const rules = await explain('httproute.spec.rules');
    assert.match(rules, /KIND: HTTPRoute/);
    assert.match(rules, /How requests are matched and where they go/);
    assert.match(rules, /backendRefs <\[\]Object> Where matching requests go/);
    assert.match(rules, /matches <\[\]Object> Conditions a request must meet/);
    assert.match(await explain('httproute.spec'), /parentRefs <\[\]Object> The Gateways \(or their listeners\) the route attaches to/);
    assert.match(await explain('gateway.spec.listeners'), /hostname <string> The host name the listener serves/);
    assert.match(await explain('referencegrants.spec'), /from <\[\]Object> -required- Who may refer here/);
  });
}
