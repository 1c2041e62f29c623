import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyWebhookPatch } from './apply-webhook-patch';
import { ApiError } from '../../status';

import { podKind } from '../../../kinds/defs/kinds-core-pod';
import type { KindDef, KubeObject } from '../../../kinds/types';

interface PodLike extends KubeObject {
  spec: { restartPolicy?: string };
}
const def: KindDef = {
  ...podKind,
  defaults: (o) => {
    (o as PodLike).spec.restartPolicy ??= 'Always';
  },
};
const pod = (): PodLike => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { a: '1' } },
  spec: { restartPolicy: 'Never' },
});
const patch = (ops: unknown) => Buffer.from(JSON.stringify(ops));

test('a JSONPatch changes the admitted object in place and reports the change', () => {
  const obj = pod();
  const same = obj;
  assert.equal(applyWebhookPatch('m.x.y', def, obj, patch([{ op: 'add', path: '/metadata/labels/injected', value: 'yes' }])), true);
  assert.equal(same.metadata.labels?.injected, 'yes');
  assert.equal(
    applyWebhookPatch('m.x.y', def, obj, patch([{ op: 'replace', path: '/metadata/labels/a', value: '1' }])),
    false,
    'no-op patch',
  );
  assert.equal(applyWebhookPatch('m.x.y', def, obj, patch([])), false);
});

test('defaults run again after the patch (a removed defaulted field comes back)', () => {
  const obj = pod();
  applyWebhookPatch('m.x.y', def, obj, patch([{ op: 'remove', path: '/spec/restartPolicy' }]));
  assert.equal(obj.spec.restartPolicy, 'Always');
});

test('bad patches are internal errors that leave the object alone', () => {
  const obj = pod();
  const fails = (p: Buffer, re: RegExp) =>
    assert.throws(
      () => applyWebhookPatch('m.x.y', def, obj, p),
      (e: unknown) => e instanceof ApiError && e.code === 500 && re.test(e.message),
    );
  fails(Buffer.from('{not json'), /not JSON/);
  fails(patch({ op: 'add' }), /not a JSON array/);
  fails(patch([{ op: 'replace', path: '/spec/missing/deep', value: 1 }]), /./);
  fails(patch([{ op: 'replace', path: '/kind', value: 'Secret' }]), /may not change the object's apiVersion or kind/);
  const moved = (path: string) =>
    assert.throws(
      () => applyWebhookPatch('m.x.y', def, obj, patch([{ op: 'add', path, value: 'other' }])),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  moved('/metadata/namespace');
  moved('/metadata/name');
  assert.deepEqual(obj, pod());
});
