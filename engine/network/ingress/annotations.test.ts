import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unsupportedAnnotations } from './annotations';

test('controller annotations not acted on are warned about; ssl-redirect, rewrite-target and backend-protocol HTTP(S)/GRPC(S) are honoured; others ignored', () => {
  const got = unsupportedAnnotations({
    metadata: {
      name: 'i',
      annotations: {
        'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
        'nginx.ingress.kubernetes.io/rewrite-target': '/',
        'nginx.ingress.kubernetes.io/backend-protocol': 'FCGI',
        'nginx.ingress.kubernetes.io/ssl-redirect': 'false',
        'traefik.ingress.kubernetes.io/router.entrypoints': 'web',
        'meta.helm.sh/release-name': 'x',
      },
    },
  });
  assert.deepEqual(
    got.map((g) => g.message),
    [
      'annotation nginx.ingress.kubernetes.io/proxy-body-size is not supported by the skiff ingress controller and has no effect',
      'annotation traefik.ingress.kubernetes.io/router.entrypoints is not supported by the skiff ingress controller and has no effect',
      'backend-protocol FCGI is not supported by the skiff ingress controller (HTTP, HTTPS, GRPC and GRPCS are): the pods are spoken to over HTTP',
    ],
  );
  assert.ok(got.every((g) => g.reason === 'UnsupportedAnnotation'));
});

test('backend-protocol GRPC and GRPCS are honoured (no warning)', () => {
  for (const p of ['GRPC', 'grpcs'])
    assert.deepEqual(
      unsupportedAnnotations({ metadata: { name: 'g', annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': p } } }),
      [],
    );
});
