import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeStdinFrame, exitFromStatus, execPath, parseFrame, resizeFrame, stdinFrame } from './exec-channel';

test('frames carry the channel byte first', () => {
  assert.deepEqual([...stdinFrame('ls\r')], [0, 108, 115, 13]);
  const r = resizeFrame(80, 24);
  assert.equal(r[0], 4);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(r.subarray(1))), { Width: 80, Height: 24 });
  assert.deepEqual([...closeStdinFrame()], [255, 0]);
  const m = parseFrame(new Uint8Array([1, 104, 105]).buffer);
  assert.equal(m?.channel, 1);
  assert.equal(new TextDecoder().decode(m!.data), 'hi');
  assert.equal(parseFrame(new Uint8Array(0)), null);
});

test('exit codes from the error channel Status', () => {
  assert.deepEqual(exitFromStatus('{"metadata":{},"status":"Success"}'), { code: 0 });
  const e = exitFromStatus(
    JSON.stringify({
      status: 'Failure',
      message: 'command terminated with non-zero exit code: 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    }),
  );
  assert.equal(e.code, 3);
  assert.equal(exitFromStatus('not json').code, 1);
});

test('exec path asks for a tty shell', () => {
  const p = execPath('/k8s/local', 'default', 'web-1', 'app');
  const u = new URL(p, 'http://x');
  assert.equal(u.pathname, '/k8s/local/api/v1/namespaces/default/pods/web-1/exec');
  assert.equal(u.searchParams.get('tty'), 'true');
  assert.deepEqual(u.searchParams.getAll('command').slice(0, 2), ['sh', '-c']);
});
