import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { QUANTITY_FORMAT_ERROR, base64Error, quantityError, rfc3339Error } from './schema-scalar-checks';

describe('quantityError', () => {
  test('accepts the quantity forms Kubernetes accepts', () => {
    for (const q of ['0', '1', '100m', '1.5', '.5', '+2', '-1', '128Mi', '2Gi', '1e3', '1E-3', '5k', '1Ei'])
      assert.equal(quantityError(q), undefined, q);
  });
  test('rejects with the parser error for each kind of mistake', () => {
    assert.equal(quantityError(''), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('abc'), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('true'), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('1 Gi'), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('1.2.3'), QUANTITY_FORMAT_ERROR);
    assert.equal(quantityError('1e-'), "unable to parse quantity's suffix");
    assert.equal(quantityError('1Gk'), "unable to parse quantity's suffix");
    assert.equal(quantityError('1ki'), "unable to parse quantity's suffix");
  });
});

describe('rfc3339Error', () => {
  test('accepts RFC 3339 timestamps, with fractions and offsets', () => {
    for (const t of ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.123456Z', '2024-05-01T12:00:00+02:00', '2024-02-29T00:00:00Z'])
      assert.equal(rfc3339Error(t), undefined, t);
  });
  test('words failures as Go time.Parse does', () => {
    const layout = '"2006-01-02T15:04:05Z07:00"';
    assert.equal(rfc3339Error('yesterday'), `parsing time "yesterday" as ${layout}: cannot parse "yesterday" as "2006"`);
    assert.equal(rfc3339Error('2024-05-01'), `parsing time "2024-05-01" as ${layout}: cannot parse "" as "T"`);
    assert.equal(
      rfc3339Error('2024/05/01T00:00:00Z'),
      `parsing time "2024/05/01T00:00:00Z" as ${layout}: cannot parse "/05/01T00:00:00Z" as "-"`,
    );
    assert.equal(rfc3339Error('2024-05-01T12:00:00'), `parsing time "2024-05-01T12:00:00" as ${layout}: cannot parse "" as "Z07:00"`);
    assert.equal(rfc3339Error('2024-13-01T00:00:00Z'), 'parsing time "2024-13-01T00:00:00Z": month out of range');
    assert.equal(rfc3339Error('2023-02-29T00:00:00Z'), 'parsing time "2023-02-29T00:00:00Z": day out of range');
    assert.equal(rfc3339Error('2024-05-01T00:00:00Zjunk'), 'parsing time "2024-05-01T00:00:00Zjunk": extra text: "junk"');
  });
});

describe('base64Error', () => {
  test('accepts standard base64 with padding and line breaks', () => {
    for (const s of ['', 'aGk=', 'aGVsbG8=', 'aGVs\nbG8h', 'YWJjZA==']) assert.equal(base64Error(s), undefined, JSON.stringify(s));
  });
  test('reports the first bad input byte', () => {
    assert.equal(base64Error('aGk*'), 'illegal base64 data at input byte 3');
    assert.equal(base64Error('abc'), 'illegal base64 data at input byte 0');
    assert.equal(base64Error('a==='), 'illegal base64 data at input byte 1');
    assert.equal(base64Error('aGk=aGk='), 'illegal base64 data at input byte 4');
    assert.equal(base64Error('aGVsbG8-'), 'illegal base64 data at input byte 7');
  });
});
