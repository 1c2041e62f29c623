import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveHostnames, hostMatches } from './hostnames';

test('a wildcard matches one or more labels, never the bare suffix', () => {
  assert.ok(hostMatches('*.example.com', 'a.example.com'));
  assert.ok(hostMatches('*.example.com', 'a.b.example.com'));
  assert.ok(!hostMatches('*.example.com', 'example.com'));
  assert.ok(!hostMatches('a.example.com', 'b.example.com'));
});

test('listener and route host names intersect as upstream states', () => {
  assert.deepEqual(effectiveHostnames(undefined, undefined), ['']);
  assert.deepEqual(effectiveHostnames(undefined, ['a.com']), ['a.com']);
  assert.deepEqual(effectiveHostnames('a.com', undefined), ['a.com']);
  assert.deepEqual(effectiveHostnames('*.example.com', ['foo.example.com', 'bar.other.com']), ['foo.example.com']);
  assert.deepEqual(effectiveHostnames('foo.example.com', ['*.example.com']), ['foo.example.com']);
  assert.deepEqual(effectiveHostnames('*.example.com', ['*.foo.example.com']), ['*.foo.example.com']);
  assert.deepEqual(effectiveHostnames('*.foo.example.com', ['*.example.com']), ['*.foo.example.com']);
  assert.deepEqual(effectiveHostnames('a.com', ['b.com']), []);
});
