import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileSummary } from '../../../electron/host/protocol';
import { consentRequest, consentView, needsConsent } from './consent-view';

const cert = { subject: 'CN=team-ca', sha256: 'AB:'.repeat(31) + 'CD', notAfter: '2030-01-01T00:00:00.000Z' };
const base: ProfileSummary = { name: 'team', source: 'kubeconfig', status: 'unknown' };

test('an exec profile: the command, args, env names, server, CA certificate and files are all shown; Allow sends them back', () => {
  const p: ProfileSummary = {
    ...base,
    exec: { command: '/opt/plug', args: ['--for', 'x'], env: [{ name: 'REGION', value: 'secret-ish' }], via: 'exec', consented: false },
    consent: {
      files: [{ field: 'client-key', path: '/home/u/.ssh/k.pem' }],
      target: { server: 'https://10.0.0.5:6443', ca: 'sha256:0123456789abcdef0123', tlsServerName: 'api.team', caCertificates: [cert] },
      consented: false,
    },
  };
  const v = consentView(p)!;
  assert.equal(v.title, 'Allow profile team to run a command?');
  assert.deepEqual(v.runs, { command: '/opt/plug', args: ['--for', 'x'], via: 'exec', envNames: ['REGION'] });
  assert.ok(!JSON.stringify(v).includes('secret-ish'), 'env values are not shown');
  assert.deepEqual(
    v.files.map((f) => [f.path, f.label]),
    [['/home/u/.ssh/k.pem', 'client key']],
  );
  assert.equal(v.server, 'https://10.0.0.5:6443');
  assert.deepEqual(v.caCertificates, [cert]);
  assert.equal(v.tlsServerName, 'api.team');
  assert.match(v.why, /run \/opt\/plug and read a file/);
  assert.deepEqual(v.warnings, []);
  assert.equal(needsConsent(p), true);
  assert.deepEqual(consentRequest(p), {
    command: '/opt/plug',
    args: ['--for', 'x'],
    env: [{ name: 'REGION', value: 'secret-ish' }],
    files: p.consent!.files,
    target: p.consent!.target,
  });
});

test('a token-file-only profile needs consent too; weak targets are called out', () => {
  const p: ProfileSummary = {
    ...base,
    consent: { files: [{ field: 'token-file', path: '/tmp/t' }], target: { server: 'https://x', ca: 'not verified' }, consented: false },
  };
  const v = consentView(p)!;
  assert.equal(v.title, 'Allow profile team to read credential files?');
  assert.equal(v.runs, undefined);
  assert.match(v.files[0].label, /its content is sent to the server/);
  assert.match(v.warnings.join(' '), /not verified/);
  assert.equal(needsConsent(p), true);
  assert.equal(needsConsent({ ...p, consent: { ...p.consent!, consented: true } }), false);
  assert.match(
    consentView({ ...p, consent: { ...p.consent!, target: { server: 'http://x', ca: 'plain http' } } })!.warnings[0],
    /plain http/,
  );
  assert.equal(consentView(base), undefined);
  assert.equal(needsConsent(base), false);
});
