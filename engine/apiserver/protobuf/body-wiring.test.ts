// The request-body reader (../body.ts) accepts protobuf bodies and maps decode failures to Status codes.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { decodeBody, mediaType } from '../body';
import { ApiError } from '../status';
import { envelope, msg, str } from './testing/encoder';

const req = (contentType: string) => ({ headers: { 'content-type': contentType } }) as unknown as IncomingMessage;

describe('body.ts protobuf branch', () => {
  test('protobuf is read wherever JSON is', () => {
    assert.equal(mediaType(req('application/vnd.kubernetes.protobuf')), 'application/json');
    assert.equal(mediaType(req('application/merge-patch+json; charset=utf-8')), 'application/merge-patch+json');
  });

  test('a protobuf body decodes to its JSON object', () => {
    const body = envelope('v1', 'Namespace', msg(1, str(1, 'ns1')));
    assert.deepEqual(decodeBody(body, 'application/json'), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'ns1' } });
  });

  test('unknown kinds are 415, malformed bodies 400', () => {
    const status = (body: Buffer) => {
      try {
        decodeBody(body, 'application/json');
      } catch (e) {
        assert.ok(e instanceof ApiError);
        return [e.code, e.reason];
      }
      return undefined;
    };
    assert.deepEqual(status(envelope('example.com/v1', 'Widget')), [415, 'UnsupportedMediaType']);
    assert.deepEqual(status(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0x7f])])), [400, 'BadRequest']);
  });
});
