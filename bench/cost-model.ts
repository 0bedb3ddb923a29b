/**
 * What a design costs in AWS, from the benchmark's per-record figures: Lambda time at the stack's memory
 * size, and a bill per million CTRs at us-east-1 on-demand prices.
 *
 * Prices were read on 2026-12-01. DynamoDB's on-demand request prices (after AWS's November 2024 cut) come
 * from a stored copy of a public pricing summary (airbyte.com, "Amazon DynamoDB Pricing", us-east-1); the
 * others are AWS's published us-east-1 list prices as the AWS pricing pages give them (Lambda, Amazon Data
 * Firehose, Kinesis Data Streams on-demand); no AWS pricing page could be fetched here to re-check them.
 * Free tiers, storage, the Kinesis stream-hour and Firehose's per-object charges are left out: they do not
 * depend on the design.
 */
export const PRICES = {
  readOn: '2026-12-01',
  /** USD per million write request units (DynamoDB on-demand, standard table class). */
  dynamodbPerMillionWriteUnits: 0.625,
  /** USD per million read request units; a strongly consistent read of an item up to 4 KB is one unit. */
  dynamodbPerMillionReadUnits: 0.125,
  /** USD per GB-second, Arm (Graviton), first tier. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** USD per million invocations. */
  lambdaPerMillionRequests: 0.2,
  /** USD per GB ingested, first 500 TB a month; each record billed in 5 KB increments. */
  firehosePerGbIngested: 0.029,
  /** USD per GB processed by dynamic partitioning. */
  firehosePerGbPartitioned: 0.02,
  /** USD per GB written to a Kinesis on-demand stream, and per GB read by one consumer. */
  kinesisOnDemandPerGbIn: 0.08,
  kinesisOnDemandPerGbOut: 0.04,
} as const;

/** The dedup function's memory (lib/ stack) and Lambda's CPU share: one vCPU per 1,769 MB. */
export const FUNCTION_MEMORY_MB = 512;
export const MB_PER_VCPU = 1769;
/** A Kinesis shard's write limit, records per second. */
export const SHARD_RECORDS_PER_SECOND = 1000;
const GB = 1024 ** 3;
const FIREHOSE_INCREMENT_BYTES = 5 * 1024;
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
export const shardHeadroom = (usage: DesignUsage): number => 1000 / functionSecondsPer1000(usage) / SHARD_RECORDS_PER_SECOND;

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
  const kinesisGb = (MILLION * traffic.averageRecordBytes) / GB;
  const kinesis = kinesisGb * (PRICES.kinesisOnDemandPerGbIn + PRICES.kinesisOnDemandPerGbOut);
  const parts = { dynamodbWrites, dynamodbReads, lambdaCompute, lambdaRequests, firehoseIngestion, firehosePartitioning, kinesis };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}
