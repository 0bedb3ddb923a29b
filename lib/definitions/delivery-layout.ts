/**
 * Where Firehose writes CTRs in S3: the single definition used by the CDK stack (dynamic partitioning)
 * and by the local Firehose-compatible endpoint, so the AWS and local layouts cannot drift.
 *
 * Partitioned by the contact's date, not arrival time, so every version of a contact lands in the same
 * partition (AWS's own CTR analytics sample does the same).
 */
export const DELIVERY_LAYOUT = {
  /** Key prefix of delivered CTRs; the Glue table's location. */
  dataRoot: 'ctr/',
  /** Name of the date partition column. */
  partitionColumn: 'dt',
  /**
   * jq 1.6 expression (the dialect of Firehose's metadata extraction) that yields the partition value.
   * The dedup function only forwards records whose InitiationTimestamp starts with YYYY-MM-DD.
   */
  partitionQuery: '.InitiationTimestamp[0:10]',
  /** Firehose S3 prefix with the dynamic-partitioning placeholder. */
  prefix: 'ctr/dt=!{partitionKeyFromQuery:dt}/',
  /**
   * Firehose error output prefix (records Firehose itself could not partition, convert or deliver; the
   * error type is a folder such as `processing-failed/` or `format-conversion-failed/`).
   */
  errorOutputPrefix: 'firehose-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
  /** Extension of the Parquet objects under `ctr/` (Firehose's record format conversion writes them). */
  dataFileExtension: '.parquet',
  /**
   * Compression of the Parquet pages, one of Firehose's `ParquetSerDe.Compression` values (UNCOMPRESSED, SNAPPY,
   * GZIP; no ZSTD). GZIP: the columns queries read are 35-45% smaller than with Snappy, and Athena bills the
   * bytes it reads (figures in docs/parquet.md); Snappy only decompresses faster.
   */
  parquetCompression: 'GZIP',
  /**
   * Prefix of the source-record backup: every record as the dedup function sent it, GZIP JSON lines, by
   * arrival date (Firehose evaluates only `timestamp` and `firehose` placeholders there). Outside `ctr/`, so
   * the Glue table never reads it; it keeps the fields the table's schema does not name (see docs/parquet.md).
   */
  backupPrefix: 'backup/dt=!{timestamp:yyyy-MM-dd}/',
  /** Error output prefix of the backup delivery. */
  backupErrorOutputPrefix: 'backup-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
} as const;

/** The fixed start of a Firehose prefix, before its first `!{...}` placeholder (`backup/dt=!{...}/` -> `backup/`). */
export const staticRoot = (prefix: string): string =>
  (prefix.includes('!{') ? prefix.slice(0, prefix.indexOf('!{')) : prefix).replace(/[^/]*$/, '');
