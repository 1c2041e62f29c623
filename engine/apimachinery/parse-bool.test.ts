import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBool } from './parse-bool';

for (const spelling of ['1', 't', 'T', 'TRUE', 'true', 'True']) {
  test(`parseBool("${spelling}") is true`, () => assert.equal(parseBool(spelling), true));
}
for (const spelling of ['0', 'f', 'F', 'FALSE', 'false', 'False']) {
  test(`parseBool("${spelling}") is false`, () => assert.equal(parseBool(spelling), false));
}
for (const spelling of ['yes', 'tRUE', 'no', ' true', '2', '']) {
  test(`parseBool(${JSON.stringify(spelling)}) is not a boolean`, () => assert.equal(parseBool(spelling), undefined));
}
