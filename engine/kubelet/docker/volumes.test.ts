import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../kinds/types';
import { prepareVolumes, refreshVolumes } from './volumes';
import { hostConfigFor } from './container-config';

test('refreshVolumes rewrites only what changed; a subPath bind points at the file itself', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-vols-'));
  const data: Record<string, string> = { a: '1' };
  const lookup = async (plural: string) =>
    plural === 'configmaps' ? ({ metadata: { name: 'cm' }, data: { ...data } } as KubeObject) : undefined;
  const pod: KubeObject = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { v: 'x' } },
    spec: {
      containers: [
        {
          name: 'c',
          volumeMounts: [
            { name: 'conf', mountPath: '/c' },
            { name: 'conf', mountPath: '/one', subPath: 'a' },
          ],
        },
      ],
      volumes: [
        { name: 'conf', configMap: { name: 'cm' } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: "metadata.labels['v']" } }] } },
        { name: 'tmp', emptyDir: {} },
      ],
    },
  };
  try {
    const vols = await prepareVolumes({ pod, podDir: dir, lookup });
    const hc = hostConfigFor(pod.spec!.containers[0], pod, vols);
    assert.match(hc.Binds[1], /volumes\/conf\/\.\.[^/]+\/a:\/one:ro$/);
    assert.deepEqual(await refreshVolumes({ pod, podDir: dir, lookup }), []);
    data.a = '2';
    pod.metadata.labels = { v: 'y' };
    assert.deepEqual(await refreshVolumes({ pod, podDir: dir, lookup }), ['conf', 'info']);
    assert.equal(readFileSync(join(dir, 'volumes/conf/a'), 'utf8'), '2');
    assert.equal(readFileSync(join(dir, 'volumes/info/labels'), 'utf8'), 'y');
    assert.equal(readFileSync(hc.Binds[1].split(':')[0], 'utf8'), '1', 'the subPath generation is kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
