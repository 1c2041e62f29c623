import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppSettingsFile } from './app-settings';
import { restartSettingIn } from './crash-restarts';

test('settings: off by default, a PUT changes what the crash handler reads, other keys kept, bad bodies refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-settings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = createAppSettingsFile(dir);
  const enabled = restartSettingIn(dir);
  assert.deepEqual(file.read(), { restartCrashedClusters: false });
  assert.equal(enabled(), false);
  writeFileSync(join(dir, 'app-settings.json'), '{"someday": 1}');
  assert.deepEqual(file.write({ restartCrashedClusters: true }), { restartCrashedClusters: true });
  assert.equal(enabled(), true, 'the crash handler sees the change at its next crash');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'app-settings.json'), 'utf8')), { someday: 1, restartCrashedClusters: true });
  for (const [body, message] of [
    [{ restartCrashedClusters: 'yes' }, /must be a boolean/],
    [{ restartCrashedCluster: true }, /unknown setting "restartCrashedCluster"/],
    [[true], /must be a JSON object/],
    [null, /must be a JSON object/],
  ] as const)
    assert.throws(
      () => file.write(body),
      (e: Error & { status?: number }) => message.test(e.message) && e.status === 400,
    );
  assert.equal(enabled(), true, 'a refused write changes nothing');
  file.write({ restartCrashedClusters: false });
  assert.equal(enabled(), false);
});
