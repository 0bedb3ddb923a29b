import { EnvReader } from '../../lambda-common/config-reader';
import {
  DEDUP_ENV,
  DEFAULT_CLAIM_CONCURRENCY,
  DEFAULT_DELIVERY_ATTEMPTS,
  DEFAULT_LEASE_MARGIN_MS,
  DEFAULT_QUARANTINE_PREFIX,
  DEFAULT_WINDOW_SECONDS,
} from './constants';
import { ConfigurationError } from './errors';
import type { FingerprintMode } from './fingerprint';

/** The dedup function's validated configuration. */
export interface DedupConfig {
  readonly tableName: string;
  readonly deliveryStreamName: string;
  readonly quarantineBucketName: string;
  /** @default 'quarantine/' */
  readonly quarantinePrefix: string;
  /** @default 604800 (7 days) */
  readonly windowSeconds: number;
  /** @default 'canonical' */
  readonly fingerprintMode: FingerprintMode;
  /** @default 32 */
  readonly claimConcurrency: number;
  /** Firehose attempts per record, the first send included. @default 4 */
  readonly deliveryAttempts: number;
  /**
   * `batch`: each invocation that delivered records writes one batch receipt, so that a batch presented
   * again after it succeeded (the event source's own at-least-once redelivery, or a replay of the stream)
   * delivers nothing twice. `off`: exactly one write per distinct record; such a redelivery is delivered
   * again. A retry after a failure is exact in both modes.
   * @default 'batch'
   */
  readonly deliveryReceipts: DeliveryReceipts;
  /**
   * `on`: the caller's number (and `pseudonymizedPaths`) is replaced by an HMAC-SHA-256 token before
   * delivery; the handler then needs a key (the secret `pseudonymizationSecretId` in Lambda).
   * @default 'on'
   */
  readonly pseudonymize: 'on' | 'off';
  /** Secrets Manager secret (ARN or name) holding the key. @default none */
  readonly pseudonymizationSecretId?: string;
  /** More dot-separated JSON paths to pseudonymize, e.g. `Attributes.CallbackNumber`. @default [] */
  readonly pseudonymizedPaths: readonly string[];
  /** Milliseconds a claim still counts as held after its holder's deadline. @default 10000 */
  readonly leaseMarginMs: number;
}

/** Whether invocations write batch receipts. */
export type DeliveryReceipts = 'batch' | 'off';
const RECEIPT_MODES: readonly DeliveryReceipts[] = ['batch', 'off'];

const FINGERPRINT_MODES: readonly FingerprintMode[] = ['canonical', 'raw'];
const ON_OFF: readonly ('on' | 'off')[] = ['on', 'off'];

/**
 * Reads the configuration from environment variables (names in `DEDUP_ENV`) and reports every problem at
 * once, so a misconfigured deployment fails its first invocation with one clear message.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DedupConfig {
  const read = new EnvReader(env);
  const paths = (env[DEDUP_ENV.pseudonymizedPaths] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const path of paths) {
    read.check(!path.split('.').includes(''), `${DEDUP_ENV.pseudonymizedPaths} has an empty key in "${path}"`);
  }
  const config: DedupConfig = {
    tableName: read.required(DEDUP_ENV.tableName),
    deliveryStreamName: read.required(DEDUP_ENV.deliveryStreamName),
    quarantineBucketName: read.required(DEDUP_ENV.quarantineBucketName),
    quarantinePrefix: env[DEDUP_ENV.quarantinePrefix] ?? DEFAULT_QUARANTINE_PREFIX,
    // Up to a year: longer windows only grow the table, as Connect's redeliveries come within hours.
    windowSeconds: read.integer(DEDUP_ENV.windowSeconds, DEFAULT_WINDOW_SECONDS, 1, 366 * 24 * 3600),
    fingerprintMode: read.oneOf(DEDUP_ENV.fingerprintMode, FINGERPRINT_MODES, 'canonical'),
    claimConcurrency: read.integer(DEDUP_ENV.claimConcurrency, DEFAULT_CLAIM_CONCURRENCY, 1, 256),
    deliveryAttempts: read.integer(DEDUP_ENV.deliveryAttempts, DEFAULT_DELIVERY_ATTEMPTS, 1, 10),
    deliveryReceipts: read.oneOf(DEDUP_ENV.deliveryReceipts, RECEIPT_MODES, 'batch'),
    pseudonymize: read.oneOf(DEDUP_ENV.pseudonymize, ON_OFF, 'on'),
    pseudonymizationSecretId: read.optional(DEDUP_ENV.pseudonymizationSecretId),
    pseudonymizedPaths: paths,
    leaseMarginMs: read.integer(DEDUP_ENV.leaseMarginMs, DEFAULT_LEASE_MARGIN_MS, 0, 15 * 60 * 1000),
  };
  read.finish((problems) => new ConfigurationError(problems));
  return config;
}
