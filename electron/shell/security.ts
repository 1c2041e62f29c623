// The window's security settings and checks, as plain data and pure functions so a test can
// verify them without an Electron binary. main.ts applies them.
import type { BrowserWindowConstructorOptions } from 'electron';

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false, // shown on ready-to-show, so no white flash
    title: 'Skiff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The host's origin; the window may only ever show pages from it. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    return new URL(url).origin === appOrigin;
  } catch {
    return false;
  }
}

/**
 * Links the renderer asks to open leave the app only as http(s) URLs without credentials,
 * opened in the system browser; never file:, javascript:, custom schemes or the app itself.
 */
export function isAllowedExternalUrl(url: string, appOrigin: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  return u.origin !== appOrigin;
}

/** IPC is answered only for the main frame of our own window showing our own origin. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, appOrigin: string): boolean {
  return isMainFrame && frameUrl !== undefined && isAppUrl(frameUrl, appOrigin);
}

/** Channels the preload may invoke; main.ts handles exactly these. */
export const IPC_CHANNELS = ['skiff:open-file', 'skiff:reveal-file', 'skiff:app-info'] as const;
export type IpcChannel = (typeof IPC_CHANNELS)[number];

/** What the guard needs of a WebContents (structural, so tests drive it without Electron). */
export interface GuardedContents {
  on(event: string, listener: (...args: never[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/**
 * Applied to every WebContents the app creates (app.on('web-contents-created')), not only the
 * main window's: no new windows (an allowed link goes to the system browser instead), no
 * navigation or redirect of any frame off the app origin, no <webview>.
 */
export function guardWebContents(contents: GuardedContents, appOrigin: string, openExternal: (url: string) => void): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', (event: { preventDefault(): void }, url: string) => stayHome(event, url));
  contents.on('will-redirect', (event: { preventDefault(): void }, url: string) => stayHome(event, url));
  // Subframes too (Electron 25+): a frame of ours must not be steered elsewhere either.
  contents.on('will-frame-navigate', (event: { preventDefault(): void; url?: string }) => stayHome(event, event.url ?? ''));
  contents.on('will-attach-webview', (event: { preventDefault(): void }) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url, appOrigin)) openExternal(url);
    return { action: 'deny' };
  });
}
