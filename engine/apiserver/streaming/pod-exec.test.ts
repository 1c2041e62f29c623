import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitStatus, parseExecRequest, pickContainer, queuedSlot } from './pod-exec';
import { pickChannelProtocol } from '../websocket-channels';

const pod = (names: string[], phase = 'Running') =>
  ({ metadata: { name: 'p' }, spec: { containers: names.map((name) => ({ name })) }, status: { phase } }) as any;
const q = (s: string) => new URLSearchParams(s);

test('parses repeated commands and flags; a TTY drops stderr', () => {
  const r = parseExecRequest('exec', pod(['c']), q('command=sh&command=-c&command=ls&stdin=true&stdout=true&stderr=true&tty=true'));
  assert.deepEqual(r, {
    kind: 'exec',
    container: 'c',
    opts: { command: ['sh', '-c', 'ls'], stdin: true, stdout: true, stderr: false, tty: true },
  });
});

test("stream flags in Go's ParseBool spellings (the Python client's True/False)", () => {
  const r = parseExecRequest('exec', pod(['c']), q('command=ls&stdin=True&stdout=T&stderr=1&tty=False'));
  assert.deepEqual(r.opts, { command: ['ls'], stdin: true, stdout: true, stderr: true, tty: false });
  assert.throws(
    () => parseExecRequest('exec', pod(['c']), q('command=ls&stdout=yes')),
    (e: any) => e.code === 400,
  );
});

test('rejects exec without a command, without any stream, or into a finished pod', () => {
  assert.throws(() => parseExecRequest('exec', pod(['c']), q('stdout=true')), /at least one command/);
  assert.throws(() => parseExecRequest('exec', pod(['c']), q('command=ls')), /at least 1 of stdin, stdout, stderr/);
  assert.throws(() => parseExecRequest('exec', pod(['c'], 'Succeeded'), q('command=ls&stdout=true')), /completed pod/);
  assert.equal(parseExecRequest('attach', pod(['c']), q('stdin=true')).container, 'c');
});

test('container: the only one, the named one; several unnamed or an unknown name is a 400', () => {
  assert.equal(pickContainer(pod(['only']), null), 'only');
  assert.equal(pickContainer(pod(['a', 'b']), 'b'), 'b');
  assert.throws(
    () => pickContainer(pod(['a', 'b']), null),
    (e: any) => e.code === 400 && /choose one of: \[a b\]/.test(e.message),
  );
  assert.throws(() => pickContainer(pod(['a']), 'z'), /container z is not valid for pod p/);
});

test('exit status: Success for 0, NonZeroExitCode with the code otherwise', () => {
  assert.deepEqual(exitStatus(0), { metadata: {}, status: 'Success' });
  const s = exitStatus(42) as any;
  assert.equal(s.reason, 'NonZeroExitCode');
  assert.deepEqual(s.details.causes, [{ reason: 'ExitCode', message: '42' }]);
});

test('queuedSlot replays early calls in order once a handler is set', () => {
  const slot = queuedSlot<[string]>();
  const seen: string[] = [];
  slot.call('a');
  slot.call('b');
  slot.set((v) => seen.push(v));
  slot.call('c');
  assert.deepEqual(seen, ['a', 'b', 'c']);
});

test('channel protocol: the client preference among the ones we speak', () => {
  assert.equal(pickChannelProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io']), 'v5.channel.k8s.io');
  assert.equal(pickChannelProtocol(['base64.channel.k8s.io', 'v4.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(pickChannelProtocol(['portforward.k8s.io']), undefined);
});
