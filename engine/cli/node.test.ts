import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeArgs } from './node';

test('skiff node: actions, names and cluster flags', () => {
  assert.deepEqual(parseNodeArgs(['add']), { action: 'add', node: undefined, cluster: 'local', help: false });
  assert.equal(parseNodeArgs(['stop', 'n1', '--cluster', 'dev']).cluster, 'dev');
  assert.equal(parseNodeArgs(['--name=dev', 'remove', 'n1']).node, 'n1');
  assert.equal(parseNodeArgs(['--help']).help, true);
  assert.throws(() => parseNodeArgs(['stop']), /needs a node name/);
  assert.throws(() => parseNodeArgs(['reboot', 'n1']), /unknown node action "reboot"/);
  assert.throws(() => parseNodeArgs(['list', '--force']), /unknown flag --force/);
});
