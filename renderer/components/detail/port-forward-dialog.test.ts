import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLocalPort, podPortChoices, servicePortChoices } from './port-forward-dialog';

test('local port: empty or "auto" is any free port; numbers in range; anything else invalid', () => {
  assert.equal(parseLocalPort(''), undefined);
  assert.equal(parseLocalPort(' Auto '), undefined);
  assert.equal(parseLocalPort('8080'), 8080);
  assert.ok(Number.isNaN(parseLocalPort('0')));
  assert.ok(Number.isNaN(parseLocalPort('70000')));
  assert.ok(Number.isNaN(parseLocalPort('80a')));
});

test('port choices: TCP container ports of every container; service ports with their targets', () => {
  const pod = {
    metadata: {},
    spec: {
      containers: [
        {
          name: 'web',
          ports: [
            { name: 'http', containerPort: 8080 },
            { containerPort: 53, protocol: 'UDP' },
          ],
        },
        { name: 'side', ports: [{ containerPort: 9090 }] },
      ],
    },
  };
  assert.deepEqual(podPortChoices(pod as never), [
    { value: 8080, label: '8080 (http) · web' },
    { value: 9090, label: '9090 · side' },
  ]);
  const svc = { metadata: {}, spec: { ports: [{ name: 'web', port: 80, targetPort: 'http' }, { port: 443 }] } };
  assert.deepEqual(servicePortChoices(svc as never), [
    { value: 80, label: '80 (web) → http' },
    { value: 443, label: '443 → 443' },
  ]);
});
