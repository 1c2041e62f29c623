import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from './object-meta';

test('rfc3339 gives each time its own second, whichever order times come in', () => {
  const times = [
    '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:00.999Z',
    '2026-01-01T00:00:01.000Z',
    '2025-12-31T23:59:59.500Z',
    '2026-01-01T00:00:00.001Z',
    '1969-12-31T23:59:59.900Z',
    '1970-01-01T00:00:00.100Z',
  ];
  for (const t of times) assert.equal(rfc3339(new Date(t)), t.replace(/\.\d{3}Z$/, 'Z'));
  assert.throws(() => rfc3339(new Date(NaN)), RangeError);
});
