import { CfnOutput, Duration, type Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DeliveryReceipts } from '../lambda-dedup/src/config';
import {
  DEDUP_SERVICE_NAME,
  DEFAULT_QUARANTINE_PREFIX,
  DEFAULT_WINDOW_SECONDS,
  METRICS_NAMESPACE,
} from '../lambda-dedup/src/constants';
import type { FingerprintMode } from '../lambda-dedup/src/fingerprint';
import { ConnectStorage } from './connect-storage';
import { CtrCatalog } from './ctr-catalog';
import { CtrDeliveryStream } from './ctr-delivery-stream';
import { CtrStream } from './ctr-stream';
import { DedupFunction } from './dedup-function';
import { DedupTable } from './dedup-table';
import { ATHENA_RESULTS_PREFIX } from './definitions/catalog-names';
import { DELIVERY_LAYOUT, staticRoot } from './definitions/delivery-layout';
import type { EventSourceSettings } from './definitions/event-source-settings';
import { EmulatorFunction } from './emulator-function';
import { InvalidSettingError } from './errors';
import { PipelineMonitoring } from './pipeline-monitoring';
import { PseudonymizationKey } from './pseudonymization-key';
import { restrictQuarantineReads } from './quarantine-access';
import { SecureBucket } from './secure-bucket';

const S3_ACCESS_LOGS_BY_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/** `FilterId` of the failure bucket's request metrics (used by the failed-batches alarm). */
export const FAILED_BATCHES_METRICS_FILTER = 'failed-batches';

/** Props of {@link CallCenterAnalyticsStack}: everything a user would tune, each with its default. */
export interface CallCenterAnalyticsStackProps extends StackProps {
  /**
   * ARN of an existing Amazon Connect instance whose CTRs should flow into the stream.
   * @default - no Connect hookup; the emulator function is the only producer
   */
  readonly connectInstanceArn?: string;
  /**
   * IANA time zone of the contact center (such as `Asia/Seoul`): the views, named queries and reports count
   * dates, hours and intervals in it. Partitions stay by UTC date.
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * Provisioned shard count of the CTR stream.
   * @default - on-demand capacity
   */
  readonly shardCount?: number;
  /**
   * Retention of the CTR stream.
   * @default Duration.hours(24)
   */
  readonly streamRetention?: Duration;
  /**
   * Event source mapping settings (batch size, batching window, parallelization factor, retries, record age, bisect).
   * @default DEFAULT_EVENT_SOURCE_SETTINGS
   */
  readonly eventSource?: Partial<EventSourceSettings>;
  /**
   * How long the dedup function remembers a fingerprint.
   * @default Duration.days(7)
   */
  readonly dedupWindow?: Duration;
  /**
   * Fingerprint mode of the dedup function.
   * @default 'canonical'
   */
  readonly fingerprintMode?: FingerprintMode;
  /**
   * Batch receipts of the dedup function (`batch`, or `off` for exactly one write per distinct record).
   * @default 'batch'
   */
  readonly deliveryReceipts?: DeliveryReceipts;
  /**
   * Firehose buffering interval (60-900 s).
   * @default Duration.seconds(60)
   */
  readonly firehoseBufferingInterval?: Duration;
  /**
   * Firehose buffering size (64-128 MiB).
   * @default Size.mebibytes(64)
   */
  readonly firehoseBufferingSize?: Size;
  /**
   * Age at which delivered CTRs move to a cheaper storage class.
   * @default Duration.days(90)
   */
  readonly dataTransitionAfter?: Duration;
  /**
   * Storage class delivered CTRs move to (Athena reads Standard-IA and Glacier Instant Retrieval directly).
   * @default s3.StorageClass.INFREQUENT_ACCESS
   */
  readonly dataTransitionStorageClass?: s3.StorageClass;
  /**
   * Age at which the source-record backup (`backup/`) moves to S3 Glacier Instant Retrieval (still readable
   * by Athena and by a re-fill without a restore).
   * @default Duration.days(30)
   */
  readonly backupTransitionAfter?: Duration;
  /**
   * Age at which source-record backup objects are deleted. Past it, a later schema can no longer be re-filled
   * for older contacts.
   * @default - kept
   */
  readonly backupExpiration?: Duration;
  /**
   * How long Athena query results are kept.
   * @default Duration.days(7)
   */
  readonly athenaResultsExpiration?: Duration;
  /**
   * How long S3 server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogsExpiration?: Duration;
  /**
   * Per-query scan limit of the Athena workgroup, in bytes.
   * @default 10 GiB
   */
  readonly athenaBytesScannedCutoffPerQuery?: number;
  /**
   * Retention of the functions' and Firehose's log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Email address notified by the alarms (a KMS-encrypted topic is created).
   * @default - no email
   */
  readonly alarmEmail?: string;
  /**
   * Existing SNS topic notified by the alarms.
   * @default - a topic only if `alarmEmail` is set
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * ARN of an existing SNS topic notified by the alarms (used when `alarmTopic` is not given).
   * @default - see `alarmTopic`
   */
  readonly alarmTopicArn?: string;
  /**
   * Iterator age alarm threshold.
   * @default Duration.minutes(5)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
  /**
   * Firehose data freshness alarm threshold.
   * @default Duration.minutes(15)
   */
  readonly freshnessAlarmThreshold?: Duration;
  /**
   * Replace callers' phone numbers by HMAC-SHA-256 tokens before delivery, with a key the stack creates
   * in Secrets Manager.
   * @default true
   */
  readonly pseudonymize?: boolean;
  /**
   * More JSON paths to pseudonymize, e.g. `Attributes.CallbackNumber`.
   * @default []
   */
  readonly pseudonymizedPaths?: readonly string[];
  /**
   * IAM principal ARNs (wildcards allowed) that may read quarantined records, which are kept as received.
   * @default [] - nobody: the bucket policy denies every read until readers are named
   */
  readonly quarantineReaders?: readonly string[];
  /**
   * Delete buckets (with their objects), table, stream, log groups and keys with the stack.
   * For throwaway test stacks only.
   * @default false - data is retained when the stack is deleted
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * The whole CTR pipeline in one stack: Kinesis stream, dedup function and table, emulator function,
 * Firehose to S3 partitioned by contact date, Glue table and Athena workgroup, dashboard and alarms,
 * and the optional Amazon Connect hookup.
 */
export class CallCenterAnalyticsStack extends Stack {
  /** CTR stream. */
  readonly ctrStream: CtrStream;
  /** Claim table. */
  readonly dedupTable: DedupTable;
  /** Dedup function and its event source. */
  readonly dedup: DedupFunction;
  /** Key of caller pseudonymization (absent when switched off). */
  readonly pseudonymizationKey?: PseudonymizationKey;
  /** Emulator function. */
  readonly emulator: EmulatorFunction;
  /** Firehose delivery stream. */
  readonly delivery: CtrDeliveryStream;
  /** Glue database/table and Athena workgroup. */
  readonly catalog: CtrCatalog;
  /** Dashboard and alarms. */
  readonly monitoring: PipelineMonitoring;
  /** Buckets, by purpose. */
  readonly buckets: {
    readonly accessLogs: s3.Bucket;
    readonly data: s3.Bucket;
    readonly quarantine: s3.Bucket;
    readonly failedBatches: s3.Bucket;
    readonly athenaResults: s3.Bucket;
  };
  /** Connect hookup, when `connectInstanceArn` is set. */
  readonly connectStorage?: ConnectStorage;

  constructor(scope: Construct, id: string, props: CallCenterAnalyticsStackProps = {}) {
    super(scope, id, props);
    // Access-log delivery by bucket policy, not the legacy ACL (which needs ACLs enabled on the log bucket).
    this.node.setContext(S3_ACCESS_LOGS_BY_POLICY, true);
    const destroyOnRemoval = props.destroyOnRemoval ?? false;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    refuseRetentionBeyondWindow(props.streamRetention, props.dedupWindow);

    this.buckets = this.createBuckets(props, destroyOnRemoval);

    this.ctrStream = new CtrStream(this, 'CtrStream', {
      shardCount: props.shardCount,
      retention: props.streamRetention,
      destroyOnRemoval,
    });
    this.dedupTable = new DedupTable(this, 'DedupTable', { destroyOnRemoval });
    this.catalog = new CtrCatalog(this, 'Catalog', {
      dataBucket: this.buckets.data,
      resultsBucket: this.buckets.athenaResults,
      bytesScannedCutoffPerQuery: props.athenaBytesScannedCutoffPerQuery,
      destroyOnRemoval,
      timeZone: props.timeZone,
    });
    this.delivery = new CtrDeliveryStream(this, 'Delivery', {
      bucket: this.buckets.data,
      schema: { table: this.catalog.table, databaseName: this.catalog.databaseName, tableName: this.catalog.tableName },
      bufferingInterval: props.firehoseBufferingInterval,
      bufferingSize: props.firehoseBufferingSize,
      logRetention,
      destroyOnRemoval,
    });
    restrictQuarantineReads(this.buckets.quarantine, DEFAULT_QUARANTINE_PREFIX, props.quarantineReaders ?? []);
    this.pseudonymizationKey =
      props.pseudonymize === false
        ? undefined
        : new PseudonymizationKey(this, 'PseudonymizationKey', { destroyOnRemoval });
    this.dedup = new DedupFunction(this, 'Dedup', {
      pseudonymizationSecret: this.pseudonymizationKey?.secret,
      pseudonymizedPaths: props.pseudonymizedPaths,
      stream: this.ctrStream.stream,
      table: this.dedupTable.table,
      deliveryStream: this.delivery.deliveryStream,
      quarantineBucket: this.buckets.quarantine,
      quarantinePrefix: DEFAULT_QUARANTINE_PREFIX,
      failureBucket: this.buckets.failedBatches,
      eventSource: props.eventSource,
      dedupWindow: props.dedupWindow,
      fingerprintMode: props.fingerprintMode,
      deliveryReceipts: props.deliveryReceipts,
      logRetention,
      destroyOnRemoval,
    });
    this.emulator = new EmulatorFunction(this, 'Emulator', {
      stream: this.ctrStream.stream,
      logRetention,
      destroyOnRemoval,
    });
    this.monitoring = this.createMonitoring(props, destroyOnRemoval);
    if (props.connectInstanceArn) {
      this.connectStorage = new ConnectStorage(this, 'ConnectStorage', {
        instanceArn: props.connectInstanceArn,
        stream: this.ctrStream.stream,
      });
    }

    this.addOutputs();
  }

  /** Every bucket logs its access to the access-log bucket; data and results have lifecycle rules. */
  private createBuckets(
    props: CallCenterAnalyticsStackProps,
    destroyOnRemoval: boolean,
  ): CallCenterAnalyticsStack['buckets'] {
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      destroyOnRemoval,
      lifecycleRules: [{ id: 'expire-logs', expiration: props.accessLogsExpiration ?? Duration.days(365) }],
    }).bucket;
    const bucket = (
      bucketId: string,
      rest: Omit<ConstructorParameters<typeof SecureBucket>[2], 'destroyOnRemoval'> = {},
    ) => new SecureBucket(this, bucketId, { accessLogsBucket: accessLogs, destroyOnRemoval, ...rest }).bucket;
    return {
      accessLogs,
      data: bucket('Data', {
        lifecycleRules: [
          {
            // The source-record backup is read only to re-fill a column after a schema change (docs/parquet.md).
            id: 'backup-to-cold-storage',
            prefix: staticRoot(DELIVERY_LAYOUT.backupPrefix),
            transitions: [
              {
                storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transitionAfter: props.backupTransitionAfter ?? Duration.days(30),
              },
            ],
            expiration: props.backupExpiration,
          },
          {
            id: 'ctr-to-cheaper-storage',
            prefix: DELIVERY_LAYOUT.dataRoot,
            transitions: [
              {
                storageClass: props.dataTransitionStorageClass ?? s3.StorageClass.INFREQUENT_ACCESS,
                transitionAfter: props.dataTransitionAfter ?? Duration.days(90),
              },
            ],
          },
        ],
      }),
      quarantine: bucket('Quarantine'),
      failedBatches: bucket('FailedBatches', { metrics: [{ id: FAILED_BATCHES_METRICS_FILTER }] }),
      athenaResults: bucket('AthenaResults', {
        lifecycleRules: [
          {
            id: 'expire-query-results',
            prefix: ATHENA_RESULTS_PREFIX,
            expiration: props.athenaResultsExpiration ?? Duration.days(7),
          },
        ],
      }),
    };
  }

  private createMonitoring(props: CallCenterAnalyticsStackProps, destroyOnRemoval: boolean): PipelineMonitoring {
    return new PipelineMonitoring(this, 'Monitoring', {
      dedupFunction: this.dedup.function,
      serviceName: DEDUP_SERVICE_NAME,
      metricsNamespace: METRICS_NAMESPACE,
      stream: this.ctrStream.stream,
      table: this.dedupTable.table,
      deliveryStream: this.delivery.deliveryStream,
      failureBucket: this.buckets.failedBatches,
      failureBucketMetricsFilterId: FAILED_BATCHES_METRICS_FILTER,
      alarmTopic:
        props.alarmTopic ??
        (props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : undefined),
      alarmEmail: props.alarmEmail,
      iteratorAgeThreshold: props.iteratorAgeAlarmThreshold,
      freshnessThreshold: props.freshnessAlarmThreshold,
      destroyOnRemoval,
    });
  }

  private addOutputs(): void {
    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('StreamName', this.ctrStream.stream.streamName, 'Kinesis stream receiving CTRs');
    out('EmulatorFunctionName', this.emulator.function.functionName, 'Invoke with a JSON array of CTRs');
    out('DedupFunctionName', this.dedup.function.functionName, 'Dedup function (logs, metrics)');
    out('DeliveryStreamName', this.delivery.deliveryStream.deliveryStreamName, 'Firehose delivery stream');
    out('DataBucketName', this.buckets.data.bucketName, `Deduplicated CTRs under ${DELIVERY_LAYOUT.dataRoot}`);
    out('QuarantineBucketName', this.buckets.quarantine.bucketName, 'Malformed or oversized CTRs');
    out('FailedBatchesBucketName', this.buckets.failedBatches.bucketName, 'Batches that exhausted their retries');
    out('AthenaResultsBucketName', this.buckets.athenaResults.bucketName, 'Athena query results');
    out('GlueDatabaseName', this.catalog.databaseName, 'Glue database');
    out('GlueTableName', this.catalog.tableName, 'Glue table of CTRs');
    out('AthenaWorkGroupName', this.catalog.workGroupName, 'Athena workgroup (results location enforced)');
    out('DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard');
    out(
      'DashboardUrl',
      `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
      'CloudWatch dashboard URL',
    );
    if (this.monitoring.alarmTopic) out('AlarmTopicArn', this.monitoring.alarmTopic.topicArn, 'Alarm notifications');
  }
}

/**
 * A replay reaches back as far as the stream's retention; a record older than the dedup window is no longer
 * remembered and would be delivered again, so the stream may not keep records longer than the window.
 */
function refuseRetentionBeyondWindow(retention: Duration | undefined, window: Duration | undefined): void {
  const retentionSeconds = (retention ?? Duration.hours(24)).toSeconds();
  const windowSeconds = window?.toSeconds() ?? DEFAULT_WINDOW_SECONDS;
  if (retentionSeconds > windowSeconds) {
    throw new InvalidSettingError(
      'streamRetention',
      `at most the dedup window (${windowSeconds} s), or a replay of older records delivers them again`,
      `${retentionSeconds} s`,
    );
  }
}
