import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { isStatus } from '../../client/types';
import { startTestCore } from '../testing/test-cluster';

const request = (method: string, headers: Record<string, string> = {}) =>
  ({
    method,
    headers,
    headersDistinct: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
  }) as unknown as IncomingMessage;
const url = (path: string) => new URL(path, 'https://localhost');

void test('system:masters is answered at once; everyone else, and masters impersonating, go through the authorizers', async () => {
  const c = await startTestCore();
  try {
    const authz = c.core.authorization;
    const admin = { user: 'admin', groups: ['system:masters'] };
    const direct = authz.authorizeRequest(request('DELETE'), url('/api/v1/namespaces/x/secrets/s'), admin);
    assert.ok(!(direct instanceof Promise), 'no promise for the privileged group');
    assert.deepEqual((direct as { groups: string[] }).groups, ['system:masters', 'system:authenticated']);

    const stranger = { user: 'mallory', groups: [] };
    const refused = authz.authorizeRequest(request('GET'), url('/api/v1/namespaces/x/secrets/s'), stranger);
    assert.ok(refused instanceof Promise);
    await assert.rejects(refused, (e: unknown) => isStatus(e, 403));

    // Impersonating a user with no rights: the impersonated user is authorized, not the admin.
    const acting = authz.authorizeRequest(request('GET', { 'impersonate-user': 'mallory' }), url('/api/v1/namespaces/x/secrets/s'), admin);
    assert.ok(acting instanceof Promise);
    await assert.rejects(acting, (e: unknown) => isStatus(e, 403));
  } finally {
    await c.close();
  }
});
