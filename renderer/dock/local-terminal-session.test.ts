import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLocalTerminal, type SocketLike, type TerminalEnd } from './local-terminal-session';

function fakeSocket() {
  const sent: Array<string | Uint8Array> = [];
  const s: SocketLike & { sent: typeof sent } = {
    binaryType: 'blob',
    readyState: 0,
    onopen: null,
    onmessage: null,
    onclose: null,
    sent,
    send: (d) => void sent.push(d),
    close() {
      this.readyState = 3;
      this.onclose?.({ code: 1000, reason: '' });
    },
  };
  return s;
}

test('keystrokes go as binary frames, resize as a JSON text frame (also one asked before opening)', () => {
  const ws = fakeSocket();
  const out: string[] = [];
  const t = openLocalTerminal('ws://x', { onOpen() {}, onOutput: (d) => out.push(new TextDecoder().decode(d)), onEnd() {} }, () => ws);
  assert.equal(ws.binaryType, 'arraybuffer');
  t.resize(100, 30);
  t.send('ls\r');
  assert.equal(ws.sent.length, 0, 'nothing is sent before the socket opens');
  ws.readyState = 1;
  ws.onopen!();
  assert.deepEqual(JSON.parse(ws.sent[0] as string), { type: 'resize', cols: 100, rows: 30 });
  t.send('ls\r');
  assert.deepEqual([...(ws.sent[1] as Uint8Array)], [...new TextEncoder().encode('ls\r')]);
  ws.onmessage!({ data: new TextEncoder().encode('total 0\r\n').buffer });
  assert.deepEqual(out, ['total 0\r\n']);
});

test('an exit frame gives the code; a socket that never opened says so', () => {
  const ws = fakeSocket();
  const ends: TerminalEnd[] = [];
  openLocalTerminal('ws://x', { onOpen() {}, onOutput() {}, onEnd: (e) => ends.push(e) }, () => ws);
  ws.readyState = 1;
  ws.onopen!();
  ws.onmessage!({ data: '{"type":"exit","code":3}' });
  ws.onclose!({ code: 1000, reason: 'process exited' });
  assert.deepEqual(ends, [{ code: 3, opened: true }]);

  const refused = fakeSocket();
  openLocalTerminal('ws://x', { onOpen() {}, onOutput() {}, onEnd: (e) => ends.push(e) }, () => refused);
  refused.onclose!({ code: 1006, reason: '' });
  assert.deepEqual(ends[1], { code: -1, message: 'could not connect', opened: false });
});
