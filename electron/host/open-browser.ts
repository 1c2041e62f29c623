// Opens a URL in the user's browser, when there is a screen to open it on. Never throws:
// the URL is printed anyway.
import { spawn } from 'node:child_process';

export function hasDisplay(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function openCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd builtin; its first quoted argument is the window title.
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

export function openBrowser(url: string, log: (line: string) => void = () => {}): void {
  const [cmd, args] = openCommand(url);
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (err) =>
      log(`could not open a browser (${cmd}: ${(err as NodeJS.ErrnoException).code ?? err.message}); open the URL above yourself`),
    );
    child.unref();
  } catch (err) {
    log(`could not open a browser (${(err as Error).message}); open the URL above yourself`);
  }
}
