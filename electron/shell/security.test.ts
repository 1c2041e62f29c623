// The Electron window's hardening, checked from the code (no Electron binary needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  guardWebContents,
  IPC_CHANNELS,
  isAllowedExternalUrl,
  isAppUrl,
  isTrustedSender,
  windowOptions,
  type GuardedContents,
} from './security';
import { FUSES } from './fuses';

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

test('main.ts applies the settings: every WebContents guarded, permissions refused, IPC senders validated, safeStorage passed', () => {
  const main = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');
  assert.match(main, /new BrowserWindow\(windowOptions\(/);
  // Registered before the window exists, so its WebContents (and any later one) is guarded.
  assert.match(main, /app\.on\('web-contents-created', \(_event, contents\) => guardWebContents\(contents, origin,/);
  assert.ok(main.indexOf("app.on('web-contents-created'") < main.indexOf('new BrowserWindow('));
  assert.match(main, /setPermissionRequestHandler\(\(_wc, _perm, cb\) => cb\(false\)\)/);
  assert.match(main, /createSafeStorageBox\(safeStorage, keyFileBox\)/);
  assert.match(main, /startApp\(\{[^}]*secretBox/);
  const handlers = main.split('ipcMain.handle(').slice(1);
  assert.deepEqual(handlers.map((h) => h.match(/^'([^']+)'/)?.[1]).sort(), [...IPC_CHANNELS].sort());
  for (const h of handlers) assert.match(h.split('\n\n')[0].split('});')[0], /trusted\(e\)/, h.slice(0, 40));
});

/** A WebContents stand-in that records the guard's handlers and lets a test fire them. */
function fakeContents() {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents: GuardedContents = {
    on: (event, listener) => handlers.set(event, listener as (...args: unknown[]) => void),
    setWindowOpenHandler: (h) => (openHandler = h),
  };
  const fire = (event: string, ...args: unknown[]) => {
    let prevented = false;
    const ev = { preventDefault: () => (prevented = true), ...(typeof args[0] === 'object' ? (args.shift() as object) : {}) };
    handlers.get(event)!(ev, ...args);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

test('the web-contents guard: a page cannot open windows, navigate or redirect off the app origin, or attach a webview', () => {
  const opened: string[] = [];
  const f = fakeContents();
  guardWebContents(f.contents, origin, (url) => opened.push(url));
  assert.equal(f.fire('will-navigate', 'https://evil.example/phish'), true, 'navigation away prevented');
  assert.equal(f.fire('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(f.fire('will-navigate', `${origin}/#/pods`), false, 'the app itself is fine');
  assert.equal(f.fire('will-redirect', 'http://127.0.0.1:9999/'), true, 'another port is another origin');
  assert.equal(f.fire('will-frame-navigate', { url: 'https://evil.example/' }), true, 'subframes too');
  assert.equal(f.fire('will-frame-navigate', { url: `${origin}/x` }), false);
  assert.equal(f.fire('will-attach-webview'), true, 'no <webview>');
  for (const url of ['https://kubernetes.io/docs/', 'javascript:alert(1)', `${origin}/other-window`, 'file:///etc/passwd'])
    assert.deepEqual(f.open(url), { action: 'deny' }, `window.open(${url}) never makes a window`);
  assert.deepEqual(opened, ['https://kubernetes.io/docs/'], 'only a plain http(s) link goes to the system browser');
});

test('Electron fuses: no run-as-node, no NODE_OPTIONS or --inspect, asar only and checked, cookies encrypted', () => {
  assert.deepEqual(FUSES, {
    RunAsNode: false,
    EnableCookieEncryption: true,
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: false,
    EnableEmbeddedAsarIntegrityValidation: true,
    OnlyLoadAppFromAsar: true,
    GrantFileProtocolExtraPrivileges: false,
  });
  // The packaging script reads the same data from the source: the two cannot drift apart.
  const src = readFileSync(new URL('./fuses.ts', import.meta.url), 'utf8');
  const body = src.slice(src.indexOf('FUSES = {') + 'FUSES = '.length, src.indexOf('} as const') + 1);
  const parsed = Object.fromEntries([...body.matchAll(/^\s+(\w+): (true|false),/gm)].map((m) => [m[1], m[2] === 'true']));
  assert.deepEqual(parsed, FUSES);
});

test('the preload exposes only the native needs', () => {
  const preload = readFileSync(new URL('./preload.ts', import.meta.url), 'utf8');
  assert.equal((preload.match(/exposeInMainWorld/g) ?? []).length, 1);
  const channels = [...preload.matchAll(/ipcRenderer\.invoke\('([^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(channels.sort(), [...IPC_CHANNELS].sort());
  assert.doesNotMatch(preload, /ipcRenderer\.(send|on)\b|require\(|process\./);
});
