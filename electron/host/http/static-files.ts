// Serves the renderer build: files as they are, index.html for client-side routes, and the
// security headers every HTML page of the app carries. Nothing outside staticDir is served.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { sendText } from './http-util';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** hosts: the Host values (host:port) the app is served under; WebSockets may go to each. */
export function htmlSecurityHeaders(hosts: string[]): Record<string, string> {
  return {
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
      `connect-src 'self' ${hosts.map((h) => `ws://${h}`).join(' ')}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

export interface StaticFiles {
  serve(req: IncomingMessage, res: ServerResponse, hosts: string[]): void;
}

export function createStaticFiles(staticDir: string): StaticFiles {
  const root = resolve(staticDir);
  const realRoot = () => {
    try {
      return realpathSync(root);
    } catch {
      return root;
    }
  };

  function sendFile(req: IncomingMessage, res: ServerResponse, file: string, size: number, headers: Record<string, string>) {
    res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': size, 'X-Content-Type-Options': 'nosniff', ...headers });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  function sendIndex(req: IncomingMessage, res: ServerResponse, hosts: string[]) {
    const index = join(root, 'index.html');
    const st = statFile(index);
    if (!st) {
      const text = notBuiltPage(root);
      res.writeHead(503, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-store',
        ...htmlSecurityHeaders(hosts),
      });
      return void res.end(req.method === 'HEAD' ? undefined : text);
    }
    sendFile(req, res, index, st.size, { 'Cache-Control': 'no-cache', ...htmlSecurityHeaders(hosts) });
  }

  return {
    serve(req, res, hosts) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendText(res, 405, `Method ${req.method} not allowed here; the app's pages are read with GET`, { Allow: 'GET, HEAD' });
      }
      const rawPath = (req.url ?? '/').split('?')[0];
      let path: string;
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        return sendText(res, 400, 'Bad request: the path is not valid percent-encoding');
      }
      // Checked on the raw and the decoded path: `..`, `%2e%2e` and `..%2f` all count.
      if (isTraversal(rawPath) || isTraversal(path) || path.includes('\0') || path.includes('\\')) {
        return sendText(res, 403, 'Forbidden: the path leaves the app directory');
      }
      if (path === '/' || path === '/index.html') return sendIndex(req, res, hosts);
      const file = resolve(root, '.' + path);
      if (!inside(root, file)) return sendText(res, 403, 'Forbidden: the path leaves the app directory');
      const st = statFile(file);
      if (st) {
        // A symlink inside the build must not lead outside it either.
        if (!inside(realRoot(), realpathSync(file))) return sendText(res, 403, 'Forbidden: the path leaves the app directory');
        const isHtml = extname(file).toLowerCase() === '.html';
        const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        return sendFile(req, res, file, st.size, { 'Cache-Control': cache, ...(isHtml ? htmlSecurityHeaders(hosts) : {}) });
      }
      // A missing asset is a 404, not the app page (which the browser would refuse as a script anyway).
      if (path.startsWith('/assets/')) return sendText(res, 404, `Not found: ${path}`);
      return sendIndex(req, res, hosts);
    },
  };
}

function isTraversal(path: string): boolean {
  return path.split(/[/\\]|%2f|%5c/i).some((seg) => seg === '..' || /^(\.|%2e){2}$/i.test(seg));
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

function statFile(file: string): { size: number } | undefined {
  try {
    const st = statSync(file);
    return st.isFile() ? { size: st.size } : undefined;
  } catch {
    return undefined;
  }
}

function notBuiltPage(dir: string): string {
  const esc = dir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>Skiff</title>
<body style="font-family: system-ui, sans-serif; margin: 3em">
<h1>Skiff's window is not built</h1>
<p>The host is running, but ${esc} has no index.html. Build the renderer (scripts/build-renderer.mjs) and reload this page.</p>
</body>`;
}
