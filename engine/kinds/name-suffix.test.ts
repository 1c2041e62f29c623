import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomNameSuffix } from './name-suffix';

void test('generated name suffixes are five characters of the vowel-free alphabet, and vary', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const s = randomNameSuffix();
    assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    seen.add(s);
  }
  // 27^5 ≈ 14 million values: 1,000 draws collide rarely, never by hundreds.
  assert.ok(seen.size > 990, `only ${seen.size} distinct suffixes in 1,000`);
});
