/**
 * What a design costs in AWS, from the benchmark's per-record figures: Lambda time at the stack's memory
 * size, and a bill per million CTRs at us-east-1 on-demand prices.
 *
 * Each price names where it was read, on 2026-12-01, from the stored copies of public web pages available
 * here (AWS's own pricing pages are stored, but their price tables are not: those copies give the billing
 * rules, such as Firehose's 5 KB increments, and no figures). A figure no stored copy gives is marked
 * "NOT FOUND": it is AWS's us-east-1 list price as remembered, to be checked on the AWS pricing page
 * (still so after a second search on 2026-12-01 for Firehose's prices and Kinesis's data-out).
 * Free tiers, storage, the Kinesis stream-hour and Firehose's per-object charge are not in the table:
 * they do not depend on the design.
 */
export const PRICES = {
  readOn: '2026-12-01',
  /**
   * USD per million write request units, DynamoDB on-demand, standard table class, us-east-1 (after AWS's
   * November 2024 cut). Source: airbyte.com/data-engineering-resources/dynamodb-pricing ("Write Request
   * Units (WRU): $0.625 per million"); the cut itself: AWS News Blog, "Amazon DynamoDB On-Demand", updated
   * 2025-01-31 ("clarify the reduced on-demand pricing").
   */
  dynamodbPerMillionWriteUnits: 0.625,
  /** USD per million read request units (a strongly consistent read of up to 4 KB is one). Source: as above ("$0.125 per million"). */
  dynamodbPerMillionReadUnits: 0.125,
  /**
   * USD per GB-second, Arm, first 7.5 billion GB-seconds a month, us-east-1. Source: cloudchipr.com/blog/aws-lambda-pricing
   * ("ARM Pricing - First 7.5 Billion GB-seconds per month: $0.0000133334 per GB-second").
   */
  lambdaArmPerGbSecond: 0.0000133334,
  /**
   * USD per million requests (x86 and Arm alike). Source: the "Cost" page of the lambda_local_runner docs on
   * git.mcrn.ar (2026-05-11: "Requests $0.20 / 1M", arm64 and x86_64); aws.amazon.com/lambda/pricing is stored without its table.
   */
  lambdaPerMillionRequests: 0.2,
  /**
   * USD per GB ingested, Direct PUT, first 500 TB a month. NOT FOUND on a dated page (searched again
   * 2026-12-01: AWS's pricing pages are stored without their tables; several undated project write-ups on
   * GitHub state "$0.029 per GB" for Firehose ingestion, which agrees but is no source). The billing rule is
   * read: aws.amazon.com/kinesis/data-firehose/pricing (de and ru copies): "priced per GB ingested in 5 KB
   * increments (a 3 KB record is billed as 5 KB, a 12 KB record as 15 KB)".
   */
  firehosePerGbIngested: 0.029,
  /**
   * USD per GB delivered with dynamic partitioning. NOT FOUND in the stored copies; the rule is read from the
   * same page: "per GB delivered to S3, per object, and optionally per JQ processing hour".
   */
  firehosePerGbPartitioned: 0.02,
  /** USD per 1,000 S3 objects delivered with dynamic partitioning. NOT FOUND in the stored copies (rule as above). Not in the table. */
  firehosePerThousandPartitionedObjects: 0.005,
  /**
   * USD per GB converted to Parquet or ORC (format conversion). NOT FOUND in the stored copies; the rule is
   * read from the same page: "priced per GB based on GBs ingested in 5 KB increments". Not in the table
   * while the stack delivers JSON.
   */
  firehosePerGbFormatConversion: 0.018,
  /**
   * USD per GB written to a Kinesis on-demand (Standard) stream, us-east-1. Source, read 2026-12-01: AWS Big
   * Data Blog, "Kinesis On-demand Advantage saves 60%+ on streaming costs" (2026-03-09,
   * aws.amazon.com/blogs/big-data/kinesis-on-demand-advantage-saves-60-on-streaming-costs/; "All prices ... are
   * from the us-east-1 Region", "the incoming bytes charge ... On-demand Standard is $0.08 per GB"). The rule:
   * aws.amazon.com/kinesis/data-streams/pricing, "Data-In ... the size of each record rounded up to the
   * nearest 1 KB (1,024 bytes)".
   */
  kinesisOnDemandPerGbIn: 0.08,
  /** USD per GB read by one standard consumer, on-demand. NOT FOUND in the stored copies (same page: "per GB of data ... read"). */
  kinesisOnDemandPerGbOut: 0.04,
  /** USD per on-demand (Standard) stream-hour, us-east-1. Source: the same AWS blog post ("in On-demand Standard mode there is a $0.04 charge per stream hour"). Not in the table. */
  kinesisOnDemandPerStreamHour: 0.04,
} as const;

/** The dedup function's memory (lib/ stack) and Lambda's CPU share: one vCPU per 1,769 MB. */
export const FUNCTION_MEMORY_MB = 512;
export const MB_PER_VCPU = 1769;
/** A Kinesis shard's write limit, records per second. */
export const SHARD_RECORDS_PER_SECOND = 1000;
const GB = 1024 ** 3;
const FIREHOSE_INCREMENT_BYTES = 5 * 1024;
const KINESIS_INCREMENT_BYTES = 1024;
const MILLION = 1_000_000;

/** Per-record figures a design was measured at. */
export interface DesignUsage {
  readonly batchSize: number;
  /** Client CPU per record, SDK included, on this machine. */
  readonly cpuMicrosPerRecord: number;
  /** Time per record spent waiting on the injected DynamoDB latency (the latency model). */
  readonly waitMillisPerRecord: number;
  readonly writeUnitsPerRecord: number;
  readonly readUnitsPerRecord: number;
}

/** The corpus the bill is for. */
export interface TrafficShape {
  /** Average CTR size in bytes. */
  readonly averageRecordBytes: number;
  /** Share of records that are distinct (forwarded to Firehose). */
  readonly distinctShare: number;
}

/**
 * Function seconds per 1,000 records at 512 MB: this machine's CPU time scaled up by the vCPU share Lambda
 * gives (0.29 of a vCPU at 512 MB; the same core speed is assumed), plus the wait on DynamoDB.
 */
export function functionSecondsPer1000(usage: DesignUsage): number {
  const cpuSeconds = (usage.cpuMicrosPerRecord / 1e6) * (MB_PER_VCPU / FUNCTION_MEMORY_MB);
  return 1000 * (cpuSeconds + usage.waitMillisPerRecord / 1000);
}

/** How many full shards (1,000 records/s each) one concurrent batch keeps up with, by the model. */
export const shardHeadroom = (usage: DesignUsage): number =>
  1000 / functionSecondsPer1000(usage) / SHARD_RECORDS_PER_SECOND;

/** USD per million CTRs, by item. */
export interface CostPerMillion {
  readonly dynamodbWrites: number;
  readonly dynamodbReads: number;
  readonly lambdaCompute: number;
  readonly lambdaRequests: number;
  readonly firehoseIngestion: number;
  readonly firehosePartitioning: number;
  readonly kinesis: number;
  readonly total: number;
}

/** The bill for one million CTRs through the pipeline with this design deduplicating. */
export function costPerMillion(usage: DesignUsage, traffic: TrafficShape): CostPerMillion {
  const forwarded = MILLION * traffic.distinctShare;
  const dynamodbWrites = usage.writeUnitsPerRecord * PRICES.dynamodbPerMillionWriteUnits;
  const dynamodbReads = usage.readUnitsPerRecord * PRICES.dynamodbPerMillionReadUnits;
  const gbSeconds = (functionSecondsPer1000(usage) / 1000) * MILLION * (FUNCTION_MEMORY_MB / 1024);
  const lambdaCompute = gbSeconds * PRICES.lambdaArmPerGbSecond;
  const lambdaRequests = (MILLION / usage.batchSize / MILLION) * PRICES.lambdaPerMillionRequests;
  const billedBytes = Math.ceil(traffic.averageRecordBytes / FIREHOSE_INCREMENT_BYTES) * FIREHOSE_INCREMENT_BYTES;
  const firehoseIngestion = ((forwarded * billedBytes) / GB) * PRICES.firehosePerGbIngested;
  const firehosePartitioning = ((forwarded * traffic.averageRecordBytes) / GB) * PRICES.firehosePerGbPartitioned;
  // Written data is billed per record rounded up to the next KiB; what the consumer reads, as is.
  const kinesisGbIn =
    (MILLION * Math.ceil(traffic.averageRecordBytes / KINESIS_INCREMENT_BYTES) * KINESIS_INCREMENT_BYTES) / GB;
  const kinesis =
    kinesisGbIn * PRICES.kinesisOnDemandPerGbIn +
    ((MILLION * traffic.averageRecordBytes) / GB) * PRICES.kinesisOnDemandPerGbOut;
  const parts = {
    dynamodbWrites,
    dynamodbReads,
    lambdaCompute,
    lambdaRequests,
    firehoseIngestion,
    firehosePartitioning,
    kinesis,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}
