// Electron main process: starts the host (the same one browser mode uses) and shows it in a
// hardened window. The only file, with preload.ts, that imports 'electron'.
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell, type IpcMainInvokeEvent } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from '../host/app-main';
import { normalizeLaunchRoute } from '../host/http/launch-route';
import { guardWebContents, isTrustedSender, windowOptions } from './security';
import { defaultDataDir } from '../../engine/cluster/paths';
import { profilePaths } from '../host/profiles/profile-paths';
import { createKeyFileBox, createSafeStorageBox } from '../host/profiles/secret-box';

// Bundled to dist/shell/main.mjs: two levels below the root, like the sources.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  // Stored credentials (copied and pasted kubeconfigs) sealed by the OS keychain when it has
  // one; the key file stays for what the CLI sealed, and is the box when there is no keychain.
  const dataDir = defaultDataDir(process.env);
  const keyFileBox = createKeyFileBox(profilePaths(dataDir).key);
  const secretBox = createSafeStorageBox(safeStorage, keyFileBox) ?? keyFileBox;
  const host = await startApp({ env: process.env, dataDir, secretBox, log: (line) => console.log(line), mode: 'electron' });
  const origin = new URL(host.url).origin;

  // Every WebContents, this window's and any other (devtools, a future window): no new windows,
  // no navigation off the app origin, no <webview>.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, origin, (url) => void shell.openExternal(url)));

  // Nothing the page asks for (camera, notifications, ...) is granted.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const trusted = (e: IpcMainInvokeEvent) => isTrustedSender(e.senderFrame?.url, e.senderFrame === e.sender.mainFrame, origin);
  ipcMain.handle('skiff:app-info', (e) => (trusted(e) ? { version: app.getVersion(), platform: process.platform } : null));
  ipcMain.handle('skiff:open-file', async (e, filters) => {
    if (!trusted(e)) return null;
    const win = BrowserWindow.fromWebContents(e.sender);
    const r = await dialog.showOpenDialog(win!, {
      properties: ['openFile', 'multiSelections'],
      filters: Array.isArray(filters) ? filters : undefined,
    });
    if (r.canceled) return null;
    return r.filePaths.filter((p) => existsSync(p)).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
  });
  ipcMain.handle('skiff:reveal-file', (e, path) => {
    if (trusted(e) && typeof path === 'string' && existsSync(path)) shell.showItemInFolder(path);
  });

  const win = new BrowserWindow(windowOptions(join(root, 'dist', 'shell', 'preload.cjs')));
  win.once('ready-to-show', () => win.show());
  // `skiff app --open ROUTE` (bin/skiff.mjs passes it on): the window opens there.
  const route = process.env.SKIFF_OPEN_ROUTE ? normalizeLaunchRoute(process.env.SKIFF_OPEN_ROUTE) : undefined;
  await win.loadURL(host.launchUrlFor(route));

  app.on('window-all-closed', async () => {
    await host.close(); // clusters keep running, like Docker Desktop's engine
    app.quit();
  });
}

main().catch((err) => {
  console.error(`skiff: the app could not start: ${(err as Error).message}`);
  app.exit(1);
});
