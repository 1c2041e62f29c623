// Logs in the way the renderer does: the launch URL sets the cookie, POST /api/session trades
// its token for the session secret. Returns the headers every API call then needs.
import assert from 'node:assert/strict';
import { httpGet } from './test-http';

export async function loginHeaders(port: number, launchUrl: string): Promise<Record<string, string>> {
  const u = new URL(launchUrl);
  const launch = await httpGet(port, u.pathname + u.search);
  assert.equal(launch.status, 302, launch.body);
  const cookie = String(launch.headers['set-cookie']?.[0]).split(';')[0];
  const origin = `http://127.0.0.1:${port}`;
  const token = u.searchParams.get('token') ?? '';
  const r = await httpGet(port, '/api/session', { cookie, origin, 'content-type': 'application/json' }, 'POST', JSON.stringify({ token }));
  assert.equal(r.status, 200, r.body);
  return { cookie, origin, 'x-skiff-session': (JSON.parse(r.body) as { secret: string }).secret };
}
