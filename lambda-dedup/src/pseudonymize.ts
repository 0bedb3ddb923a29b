import { createHmac } from 'node:crypto';

/**
 * Replaces personal values in a delivered line with their tokens; returns the line unchanged when none.
 * `parsed`, when given, is the line already parsed (and no longer needed by the caller: it may be changed),
 * which saves decoding and parsing the record a second time.
 */
export type Pseudonymize = (line: Buffer, parsed?: Record<string, unknown>) => Buffer;

/**
 * The caller's number: `CustomerEndpoint.Address`, pseudonymized only when `CustomerEndpoint.Type` is
 * `TELEPHONE_NUMBER` (other types carry no phone number, e.g. a chat's empty endpoint).
 */
export const CUSTOMER_NUMBER_PATH = 'CustomerEndpoint.Address';

/**
 * The token of a value: HMAC-SHA-256 under the key, in lowercase hex. The same value gives the same token
 * under one key, so callers stay linkable (repeat callers); without the key a token cannot be reversed.
 */
export function callerToken(key: Uint8Array, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

const utf8 = new TextDecoder('utf-8');

/**
 * A pseudonymizer for the delivered line of a CTR: the customer's number, plus every string found at
 * `extraPaths` (dot-separated keys from the top of the record, e.g. `Attributes.CallbackNumber`).
 * Runs after fingerprinting, so deduplication sees the record as received. A line that needs no change is
 * returned as is; a changed one is serialized again (same key order, one line).
 */
export function createPseudonymizer(key: Uint8Array, extraPaths: readonly string[] = []): Pseudonymize {
  const paths = extraPaths.map((p) => p.split('.'));
  return (line, parsed) => {
    // TextDecoder drops a leading byte order mark, which JSON.parse would reject.
    const ctr = parsed ?? (JSON.parse(utf8.decode(line)) as Record<string, unknown>);
    let changed = false;
    const replace = (parent: Record<string, unknown>, name: string) => {
      const value = parent[name];
      if (typeof value === 'string' && value !== '') {
        parent[name] = callerToken(key, value);
        changed = true;
      }
    };
    const endpoint = ctr.CustomerEndpoint;
    if (isObject(endpoint) && endpoint.Type === 'TELEPHONE_NUMBER') replace(endpoint, 'Address');
    for (const path of paths) {
      const parent = path.slice(0, -1).reduce<unknown>((node, name) => (isObject(node) ? node[name] : undefined), ctr);
      if (isObject(parent)) replace(parent, path[path.length - 1]);
    }
    return changed ? Buffer.from(`${JSON.stringify(ctr)}\n`, 'utf8') : line;
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
