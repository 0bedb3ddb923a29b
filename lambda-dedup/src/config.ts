// Placeholder until the dedup handler lands.
export interface DedupConfig {
  readonly tableName: string;
  readonly deliveryStreamName: string;
  readonly quarantineBucketName: string;
  readonly quarantinePrefix: string;
  readonly windowSeconds: number;
  readonly fingerprintMode: 'canonical' | 'raw';
  readonly claimConcurrency: number;
}
/** Reads and validates the configuration from environment variables (see DEDUP_ENV). */
export function loadConfig(_env: NodeJS.ProcessEnv = process.env): DedupConfig {
  throw new Error('not implemented yet');
}
