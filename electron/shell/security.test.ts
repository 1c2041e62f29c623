// The Electron window's hardening, checked from the code (no Electron binary needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IPC_CHANNELS, isAllowedExternalUrl, isAppUrl, isTrustedSender, windowOptions } from './security';

const origin = 'http://127.0.0.1:4567';

test('the window runs the page isolated, sandboxed and without Node', () => {
  const w = windowOptions('/x/preload.cjs').webPreferences!;
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.preload, '/x/preload.cjs');
});

test('navigation stays on the app origin', () => {
  assert.equal(isAppUrl(`${origin}/pods`, origin), true);
  assert.equal(isAppUrl('http://127.0.0.1:4568/', origin), false);
  assert.equal(isAppUrl('https://evil.example/', origin), false);
  assert.equal(isAppUrl('not a url', origin), false);
});

test('only plain http(s) links leave the app, to the system browser', () => {
  assert.equal(isAllowedExternalUrl('https://kubernetes.io/docs/', origin), true);
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'skiff://x', 'https://user:pw@example.com/', `${origin}/x`, '::']) {
    assert.equal(isAllowedExternalUrl(bad, origin), false, bad);
  }
});

test('IPC answers only our own main frame', () => {
  assert.equal(isTrustedSender(`${origin}/`, true, origin), true);
  assert.equal(isTrustedSender(`${origin}/`, false, origin), false);
  assert.equal(isTrustedSender('https://evil.example/', true, origin), false);
  assert.equal(isTrustedSender(undefined, true, origin), false);
});

test('main.ts applies the settings: window-open denied, navigation checked, permissions refused, IPC senders validated', () => {
  const main = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');
  assert.match(main, /new BrowserWindow\(windowOptions\(/);
  assert.match(main, /setWindowOpenHandler\([\s\S]*?return \{ action: 'deny' \}/);
  assert.match(main, /on\('will-navigate',[\s\S]*?if \(!isAppUrl\(url, origin\)\) event\.preventDefault\(\)/);
  assert.match(main, /on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/);
  assert.match(main, /setPermissionRequestHandler\(\(_wc, _perm, cb\) => cb\(false\)\)/);
  const handlers = main.split('ipcMain.handle(').slice(1);
  assert.deepEqual(handlers.map((h) => h.match(/^'([^']+)'/)?.[1]).sort(), [...IPC_CHANNELS].sort());
  for (const h of handlers) assert.match(h.split('\n\n')[0].split('});')[0], /trusted\(e\)/, h.slice(0, 40));
});

test('the preload exposes only the native needs', () => {
  const preload = readFileSync(new URL('./preload.ts', import.meta.url), 'utf8');
  assert.equal((preload.match(/exposeInMainWorld/g) ?? []).length, 1);
  const channels = [...preload.matchAll(/ipcRenderer\.invoke\('([^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(channels.sort(), [...IPC_CHANNELS].sort());
  assert.doesNotMatch(preload, /ipcRenderer\.(send|on)\b|require\(|process\./);
});
