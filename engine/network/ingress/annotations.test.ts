import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unsupportedAnnotations } from './annotations';

test('controller annotations not acted on are warned about; ssl-redirect, rewrite-target and backend-protocol HTTPS are honoured; others ignored', () => {
  const got = unsupportedAnnotations({
    metadata: {
      name: 'i',
      annotations: {
        'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
        'nginx.ingress.kubernetes.io/rewrite-target': '/',
        'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC',
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
      'backend-protocol GRPC is not supported by the skiff ingress controller (HTTP and HTTPS are): the pods are spoken to over HTTP',
    ],
  );
  assert.ok(got.every((g) => g.reason === 'UnsupportedAnnotation'));
});
