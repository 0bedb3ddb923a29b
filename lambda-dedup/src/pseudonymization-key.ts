import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PseudonymizationKeyError } from './errors';

/** Gives the pseudonymization key; the first call fetches it, later calls reuse it. */
export type KeySource = () => Promise<Uint8Array>;

/** Shortest key accepted: HMAC-SHA-256 keys shorter than the hash (32 bytes) weaken it (RFC 2104, section 3). */
export const MIN_KEY_BYTES = 32;

/**
 * The key from a Secrets Manager secret (its SecretString, as UTF-8 bytes), read once per container: the
 * promise is kept, so every invocation after the first uses the key in memory. A failed read is not kept,
 * so the next invocation tries again. The key is never logged; errors name the secret, never its value.
 */
export function secretsManagerKey(client: SecretsManagerClient, secretId: string): KeySource {
  let pending: Promise<Uint8Array> | undefined;
  return () => {
    pending ??= fetchKey(client, secretId).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function fetchKey(client: SecretsManagerClient, secretId: string): Promise<Uint8Array> {
  let secret: string | undefined;
  try {
    secret = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new PseudonymizationKeyError(secretId, `it could not be read (${(error as Error).name || 'Error'})`);
  }
  return keyFromString(secret, secretId);
}

/** Checks and encodes a key given as text (a secret's value, or a local key). */
export function keyFromString(secret: string | undefined, source: string): Uint8Array {
  const key = Buffer.from(secret ?? '', 'utf8');
  if (key.length < MIN_KEY_BYTES)
    throw new PseudonymizationKeyError(source, `it holds ${key.length} bytes, at least ${MIN_KEY_BYTES} are needed`);
  return key;
}

/** A fixed key for a given local value (tests, the local pipeline). */
export const staticKey =
  (key: Uint8Array): KeySource =>
  async () =>
    key;
