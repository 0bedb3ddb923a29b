import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * `canonical`: a copy with reordered keys or other spacing is still a copy.
 * `raw`: only byte-identical records are copies (the original demo's rule).
 */
export type FingerprintMode = 'canonical' | 'raw';

/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme): keys sorted recursively, no insignificant
 * whitespace, numbers in their shortest form. `canonicalize` is the RFC's reference implementation.
 * Numbers a double cannot hold exactly, and duplicate keys, never get here: `classifyRecord` quarantines them.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** SHA-256 (hex) of the record: of its canonical JSON, or of its bytes as received in `raw` mode. */
export function fingerprint(mode: FingerprintMode, raw: Uint8Array, parsed: unknown): string {
  const hash = createHash('sha256');
  hash.update(mode === 'raw' ? raw : canonicalJson(parsed));
  return hash.digest('hex');
}
