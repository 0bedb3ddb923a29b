import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeliveryReceipts } from '../lambda-dedup/src/config';
import {
  DEDUP_ENV,
  DEDUP_SERVICE_NAME,
  DEFAULT_CLAIM_CONCURRENCY,
  DEFAULT_DELIVERY_ATTEMPTS,
  DEFAULT_QUARANTINE_PREFIX,
  DEFAULT_WINDOW_SECONDS,
  METRICS_NAMESPACE,
} from '../lambda-dedup/src/constants';
import type { FingerprintMode } from '../lambda-dedup/src/fingerprint';
import { DEFAULT_EVENT_SOURCE_SETTINGS, type EventSourceSettings } from './definitions/event-source-settings';
import { InvalidSettingError } from './errors';
import { nagArn, XRAY_WILDCARD_REASON } from './nag-ids';
import { createProjectFunction } from './project-function';
import { S3FailureDestination } from './s3-failure-destination';

/** Props of {@link DedupFunction}. */
export interface DedupFunctionProps {
  /** Stream of CTRs to read. */
  readonly stream: kinesis.IStream;
  /** Claim table (partition key `fp`, TTL `expiresAt`). */
  readonly table: dynamodb.ITable;
  /** Direct-put delivery stream that receives first-seen CTRs. */
  readonly deliveryStream: firehose.IDeliveryStream;
  /** Bucket for malformed and oversized records. */
  readonly quarantineBucket: s3.IBucket;
  /** Bucket the event source mapping writes failed batches to (records included). */
  readonly failureBucket: s3.IBucket;
  /**
   * Key prefix of quarantined records.
   * @default 'quarantine/'
   */
  readonly quarantinePrefix?: string;
  /**
   * Event source mapping settings; unset fields take the shared defaults.
   * @default DEFAULT_EVENT_SOURCE_SETTINGS (batch 100, window 1 s, factor 1, 10 retries, 24 h age, bisect)
   */
  readonly eventSource?: Partial<EventSourceSettings>;
  /**
   * How long a fingerprint is remembered: an exact copy arriving later is forwarded again.
   * @default Duration.days(7)
   */
  readonly dedupWindow?: Duration;
  /**
   * `canonical` hashes canonical JSON (key order and whitespace ignored); `raw` hashes the bytes.
   * @default 'canonical'
   */
  readonly fingerprintMode?: FingerprintMode;
  /**
   * Claims in flight at once per invocation.
   * @default 32
   */
  readonly claimConcurrency?: number;
  /**
   * `batch`: one batch receipt per invocation, so a batch presented again after it succeeded delivers
   * nothing twice; `off`: exactly one write per distinct record, without that protection.
   * @default 'batch'
   */
  readonly deliveryReceipts?: DeliveryReceipts;
  /**
   * Firehose attempts per record (the first send included) before it goes back to the stream.
   * @default 4
   */
  readonly deliveryAttempts?: number;
  /**
   * Secret holding the HMAC key; when given, callers' numbers are replaced by tokens before delivery and
   * the function (only it) may read the secret.
   * @default - no pseudonymization
   */
  readonly pseudonymizationSecret?: secretsmanager.ISecret;
  /**
   * More JSON paths to pseudonymize besides the caller's number, e.g. `Attributes.CallbackNumber`.
   * @default []
   */
  readonly pseudonymizedPaths?: readonly string[];
  /**
   * Memory in MiB (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Function timeout.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Delete the log group with the stack.
   * @default false - retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * The dedup function and its Kinesis event source mapping: partial batch responses, bisect on error,
 * bounded retries and record age, and an S3 failure destination that keeps the failed records.
 * Its role can only claim in the table, put batches to the delivery stream and write quarantine objects.
 */
export class DedupFunction extends Construct {
  /** The function. */
  readonly function: nodejs.NodejsFunction;
  /** The Kinesis event source (its mapping id and ARN exist after binding). */
  readonly eventSource: sources.KinesisEventSource;
  /** Settings the mapping was created with (defaults merged with overrides). */
  readonly eventSourceSettings: EventSourceSettings;
  /** Log group of the function. */
  readonly logGroup: logs.LogGroup;
  /** Execution role: logs to its own group, no AWS managed policy. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DedupFunctionProps) {
    super(scope, id);
    const settings: EventSourceSettings = { ...DEFAULT_EVENT_SOURCE_SETTINGS, ...props.eventSource };
    this.eventSourceSettings = settings;
    const quarantinePrefix = props.quarantinePrefix ?? DEFAULT_QUARANTINE_PREFIX;
    const windowSeconds = props.dedupWindow?.toSeconds() ?? DEFAULT_WINDOW_SECONDS;
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new InvalidSettingError('dedupWindow', 'at least one whole second', windowSeconds);
    }

    ({
      function: this.function,
      logGroup: this.logGroup,
      role: this.role,
    } = createProjectFunction(this, {
      entry: 'lambda-dedup/src/index.ts',
      description: 'Drops exact duplicate CTRs and forwards first-seen ones to Firehose',
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(1),
      logRetention: props.logRetention,
      destroyOnRemoval: props.destroyOnRemoval,
      environment: dedupEnvironment(props, quarantinePrefix, windowSeconds),
    }));
    this.grantAccess(props, quarantinePrefix);
    this.eventSource = this.connectStream(props, settings);
    this.acknowledgeFindings(props, quarantinePrefix);
  }

  /** Exactly the calls the function makes, on its own resources only. */
  private grantAccess(props: DedupFunctionProps, quarantinePrefix: string): void {
    // GetItem: claims.ts reads an
    // existing claim when the failed condition check returns no item, and reads batch receipts. PartiQL*:
    // the statements of BatchExecuteStatement (claims, marks, releases; IAM authorizes each statement by
    // its verb, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html); BatchGetItem
    // reads the claims those statements found.
    props.table.grant(
      this.function,
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PartiQLInsert',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
    );
    props.deliveryStream.grant(this.function, 'firehose:PutRecordBatch');
    props.pseudonymizationSecret?.grantRead(this.function);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.quarantineBucket.arnForObjects(`${quarantinePrefix}*`)],
      }),
    );
  }

  private connectStream(props: DedupFunctionProps, settings: EventSourceSettings): sources.KinesisEventSource {
    const source = new sources.KinesisEventSource(props.stream, {
      // Never skip records that arrived before the mapping existed.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: settings.batchSize,
      maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
      parallelizationFactor: settings.parallelizationFactor,
      retryAttempts: settings.retryAttempts,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      bisectBatchOnError: settings.bisectBatchOnError,
      reportBatchItemFailures: true,
      onFailure: new S3FailureDestination(props.failureBucket),
    });
    this.function.addEventSource(source);
    return source;
  }

  private acknowledgeFindings(props: DedupFunctionProps, quarantinePrefix: string): void {
    const policy = this.role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_WILDCARD_REASON });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(props.quarantineBucket)}/${quarantinePrefix}*]`,
      reason:
        'Quarantined records get one object each under a generated key; PutObject is scoped to the quarantine prefix.',
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(props.failureBucket)}/*]`,
      reason:
        'Lambda names failed-batch objects itself (aws/lambda/<mapping-id>/<shard>/<date>/...); PutObject is ' +
        'limited to the dedicated failed-batches bucket, as the S3 on-failure destination requires.',
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked only synchronously by the Kinesis event source mapping; a DLQ applies to asynchronous ' +
        "invocations. Failed batches go to the mapping's S3 on-failure destination instead, records included.",
    });
  }
}

/** The function's environment: every setting by its DEDUP_ENV name, defaults resolved here. */
function dedupEnvironment(
  props: DedupFunctionProps,
  quarantinePrefix: string,
  windowSeconds: number,
): Record<string, string> {
  return {
    [DEDUP_ENV.tableName]: props.table.tableName,
    [DEDUP_ENV.deliveryStreamName]: props.deliveryStream.deliveryStreamName,
    [DEDUP_ENV.quarantineBucketName]: props.quarantineBucket.bucketName,
    [DEDUP_ENV.quarantinePrefix]: quarantinePrefix,
    [DEDUP_ENV.windowSeconds]: String(windowSeconds),
    [DEDUP_ENV.fingerprintMode]: props.fingerprintMode ?? 'canonical',
    [DEDUP_ENV.claimConcurrency]: String(props.claimConcurrency ?? DEFAULT_CLAIM_CONCURRENCY),
    [DEDUP_ENV.deliveryReceipts]: props.deliveryReceipts ?? 'batch',
    [DEDUP_ENV.deliveryAttempts]: String(props.deliveryAttempts ?? DEFAULT_DELIVERY_ATTEMPTS),
    [DEDUP_ENV.pseudonymize]: props.pseudonymizationSecret ? 'on' : 'off',
    ...(props.pseudonymizationSecret
      ? { [DEDUP_ENV.pseudonymizationSecretId]: props.pseudonymizationSecret.secretArn }
      : {}),
    ...(props.pseudonymizedPaths?.length ? { [DEDUP_ENV.pseudonymizedPaths]: props.pseudonymizedPaths.join(',') } : {}),
    POWERTOOLS_SERVICE_NAME: DEDUP_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
}
