import { canonicalJson, fingerprint } from '../../lambda-dedup/src/fingerprint';
import { readSample } from './helpers';

describe('canonicalJson', () => {
  test('sorts keys recursively and drops insignificant whitespace', () => {
    expect(canonicalJson(JSON.parse('{ "b": [ {"y":1, "x":2} ], "a": {"d": null, "c": "é"} }'))).toBe(
      '{"a":{"c":"é","d":null},"b":[{"x":2,"y":1}]}',
    );
  });

  test('keeps array order, which is data', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
  });

  test('writes numbers in their shortest form (RFC 8785)', () => {
    expect(canonicalJson(JSON.parse('{"n": 1.50, "m": 1e2, "z": -0}'))).toBe('{"m":100,"n":1.5,"z":0}');
  });
});

describe('fingerprint', () => {
  const sample = readSample('case1.json');
  const parsed = JSON.parse(sample);
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()), null, 2);

  test('is SHA-256 hex', () => {
    expect(fingerprint('canonical', Buffer.from(sample), parsed)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a copy with reordered keys and other spacing has the same canonical fingerprint', () => {
    expect(reordered).not.toBe(sample);
    expect(fingerprint('canonical', Buffer.from(reordered), JSON.parse(reordered))).toBe(
      fingerprint('canonical', Buffer.from(sample), parsed),
    );
  });

  test('raw mode tells the reordered copy apart, and still matches a byte-identical copy', () => {
    const raw = fingerprint('raw', Buffer.from(sample), parsed);
    expect(fingerprint('raw', Buffer.from(reordered), JSON.parse(reordered))).not.toBe(raw);
    expect(fingerprint('raw', Buffer.from(sample), parsed)).toBe(raw);
  });

  test('versions of a contact have different fingerprints', () => {
    const v2 = readSample('case2.json');
    expect(fingerprint('canonical', Buffer.from(v2), JSON.parse(v2))).not.toBe(
      fingerprint('canonical', Buffer.from(sample), parsed),
    );
  });
});
