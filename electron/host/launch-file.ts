// The launch URL carries a one-time token; handed to xdg-open/open/start as an argument it
// would show in every process listing (ps, /proc/<pid>/cmdline) of the opener and the browser.
// Instead the browser is given a short-lived 0600 page in the (0700) data dir, and that page
// navigates to the launch URL: only the file's path is in argv. The host accepts that one
// cross-site navigation with the valid token (http/session.ts).
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBrowser } from './open-browser';

export interface LaunchFile {
  path: string;
  /** file:// URL of the page, the only thing passed to the browser. */
  url: string;
  remove(): void;
}

/** Long enough for a browser's cold start; the token inside works once anyway. */
const LAUNCH_FILE_TTL_MS = 120_000;

export function writeLaunchFile(dir: string, launchUrl: string, ttlMs = LAUNCH_FILE_TTL_MS): LaunchFile {
  const path = join(dir, `launch-${randomBytes(8).toString('hex')}.html`);
  const target = new URL(launchUrl).href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writeFileSync(
    path,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${target}"><title>Skiff</title>Opening Skiff…\n`,
    { mode: 0o600, flag: 'wx' },
  );
  const remove = () => rmSync(path, { force: true });
  setTimeout(remove, ttlMs).unref();
  return { path, url: pathToFileURL(path).href, remove };
}

/** Opens the app in the user's browser without the token in any argv. */
export function openLaunchPage(dir: string, launchUrl: string, log: (line: string) => void): LaunchFile | undefined {
  try {
    const file = writeLaunchFile(dir, launchUrl);
    openBrowser(file.url, log);
    return file;
  } catch (err) {
    log(`could not write the launch page (${(err as Error).message}); open the URL above yourself`);
    return undefined;
  }
}
