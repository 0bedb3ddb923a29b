import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DEDUP_METRICS } from '../lambda-dedup/src/constants';

/** Props of {@link PipelineMonitoring}. */
export interface PipelineMonitoringProps {
  /** The dedup function. */
  readonly dedupFunction: lambda.IFunction;
  /** Powertools service name of the dedup function (the `service` metric dimension). */
  readonly serviceName: string;
  /** Namespace of the dedup function's custom metrics. */
  readonly metricsNamespace: string;
  /** CTR stream (incoming records). */
  readonly stream: kinesis.IStream;
  /** Claim table (throttles). */
  readonly table: dynamodb.ITable;
  /** Delivery stream (success, freshness). */
  readonly deliveryStream: firehose.IDeliveryStream;
  /** Failure destination bucket of the event source mapping. */
  readonly failureBucket: s3.IBucket;
  /** `FilterId` of the failure bucket's request-metrics filter (its `PutRequests` count failed batches). */
  readonly failureBucketMetricsFilterId: string;
  /**
   * Existing SNS topic for alarm notifications.
   * @default - a topic is created when `alarmEmail` is set, otherwise alarms notify nobody
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Email address subscribed to the alarm topic (confirm the subscription email after deploy).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Alarm when the oldest unprocessed stream record is older than this.
   * @default Duration.minutes(5)
   */
  readonly iteratorAgeThreshold?: Duration;
  /**
   * Alarm when the oldest record in Firehose has waited longer than this for delivery to S3.
   * @default Duration.minutes(15)
   */
  readonly freshnessThreshold?: Duration;
  /**
   * Delete the alarm topic's KMS key with the stack.
   * @default false - retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * CloudWatch dashboard and alarms for the pipeline: records in / forwarded / duplicates / quarantined,
 * Lambda errors, duration and iterator age, DynamoDB throttles, Firehose success and freshness; alarms on
 * iterator age, Lambda errors, failure-destination growth, quarantine growth, Firehose freshness and Parquet
 * conversion failures.
 */
export class PipelineMonitoring extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;
  /** Alarms, by purpose. */
  readonly alarms: {
    readonly iteratorAge: cloudwatch.Alarm;
    readonly lambdaErrors: cloudwatch.Alarm;
    readonly failedBatches: cloudwatch.Alarm;
    readonly quarantined: cloudwatch.Alarm;
    readonly deliveryFreshness: cloudwatch.Alarm;
    readonly conversionFailures: cloudwatch.Alarm;
  };
  /** Topic the alarms notify, if any. */
  readonly alarmTopic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const fn = props.dedupFunction;
    // Labels only on graph copies: a labelled metric turns an alarm into a metric-math alarm.
    const custom = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: props.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(1),
      }).with({ label });
    const labels: Record<string, string> = {
      [DEDUP_METRICS.recordsIn]: 'Records in',
      [DEDUP_METRICS.forwarded]: 'Forwarded',
      [DEDUP_METRICS.duplicatesInBatch]: 'Duplicates (same batch)',
      [DEDUP_METRICS.duplicatesStored]: 'Duplicates (seen before)',
      [DEDUP_METRICS.quarantined]: 'Quarantined',
      [DEDUP_METRICS.failures]: 'Failed (retried)',
    };
    // Every counter the function emits is graphed, including ones added after this construct.
    const counters = Object.values(DEDUP_METRICS)
      .filter((name) => name !== DEDUP_METRICS.resends)
      .map((name) => custom(name, labels[name] ?? name));
    const resends = custom(DEDUP_METRICS.resends, 'Firehose resends');

    const iteratorAge = fn.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) });
    const errors = fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
    const freshness = props.deliveryStream.metric('DeliveryToS3.DataFreshness', {
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    });
    const deliverySuccess = props.deliveryStream.metric('DeliveryToS3.Success', {
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(5),
    });
    const failedBatchPuts = new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName: 'PutRequests',
      dimensionsMap: { BucketName: props.failureBucket.bucketName, FilterId: props.failureBucketMetricsFilterId },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    });

    const iteratorAgeMs = (props.iteratorAgeThreshold ?? Duration.minutes(5)).toMilliseconds();
    const freshnessSeconds = (props.freshnessThreshold ?? Duration.minutes(15)).toSeconds();
    this.alarms = {
      iteratorAge: iteratorAge.createAlarm(this, 'IteratorAgeAlarm', {
        alarmDescription: `Dedup function is more than ${iteratorAgeMs / 1000} s behind the CTR stream`,
        threshold: iteratorAgeMs,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      lambdaErrors: errors.createAlarm(this, 'LambdaErrorsAlarm', {
        alarmDescription: 'Dedup function invocations failed (the batch is retried, then sent to the failure bucket)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      failedBatches: failedBatchPuts.createAlarm(this, 'FailedBatchesAlarm', {
        alarmDescription: 'Records gave up retrying and were written to the failure bucket: replay them',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      quarantined: new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName: DEDUP_METRICS.quarantined,
        dimensionsMap: { service: props.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }).createAlarm(this, 'QuarantineAlarm', {
        alarmDescription: 'Malformed or oversized CTRs were quarantined',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      deliveryFreshness: freshness.createAlarm(this, 'DeliveryFreshnessAlarm', {
        alarmDescription: `Firehose has held records for more than ${freshnessSeconds} s without delivering them to S3`,
        threshold: freshnessSeconds,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      // Records that fail the Parquet conversion never reach the table (they go to the error prefix's
      // format-conversion-failed/ folder); the source-record backup still holds them.
      conversionFailures: props.deliveryStream
        .metric('FailedConversion.Records', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) })
        .createAlarm(this, 'ConversionFailuresAlarm', {
          alarmDescription: 'Firehose could not convert CTRs to Parquet: they are under firehose-errors/format-conversion-failed/ and backup/, not in the table',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    };

    const createdTopic = props.alarmTopic ? undefined : props.alarmEmail ? this.createTopic(props.destroyOnRemoval ?? false) : undefined;
    this.alarmTopic = props.alarmTopic ?? createdTopic;
    if (createdTopic) allowAlarmsToPublish(createdTopic, Object.values(this.alarms));
    if (this.alarmTopic) {
      if (props.alarmEmail) {
        const subscription = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
        Validations.of(subscription).acknowledge({
          id: 'Serverless-SNSRedrivePolicy',
          reason:
            'Email notification of an alarm: SNS retries email delivery itself, and a missed email loses no ' +
            'data (the alarm state stays on the dashboard), so a dead-letter queue would add cost for nothing.',
        });
      }
      const action = new actions.SnsAction(this.alarmTopic);
      for (const alarm of Object.values(this.alarms)) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Dedup: records',
            width: 12,
            left: counters,
          }),
          new cloudwatch.GraphWidget({
            title: 'Stream: incoming records',
            width: 12,
            left: [props.stream.metricIncomingRecords({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1) })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Dedup function: errors and throttles',
            width: 8,
            left: [errors, fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) })],
          }),
          new cloudwatch.GraphWidget({
            title: 'Dedup function: duration',
            width: 8,
            left: [
              fn.metricDuration({ statistic: cloudwatch.Stats.percentile(50) }),
              fn.metricDuration({ statistic: cloudwatch.Stats.percentile(99) }),
              fn.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Dedup function: iterator age (ms)',
            width: 8,
            left: [iteratorAge],
            leftAnnotations: [{ value: iteratorAgeMs, label: 'alarm' }],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'DynamoDB: throttled claims',
            width: 8,
            left: [
              props.table.metricThrottledRequestsForOperations({
                operations: [dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.DELETE_ITEM],
                period: Duration.minutes(5),
              }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Firehose: delivery to S3 success',
            width: 8,
            left: [deliverySuccess, resends],
          }),
          new cloudwatch.GraphWidget({
            title: 'Firehose: data freshness (s)',
            width: 8,
            left: [freshness],
            leftAnnotations: [{ value: freshnessSeconds, label: 'alarm' }],
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: Object.values(this.alarms) }),
        ],
      ],
    });
  }

  /** Alarm topic encrypted with its own key: CloudWatch cannot publish to a topic under `aws/sns`. */
  private createTopic(destroyOnRemoval: boolean): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the CTR pipeline alarm topic',
      enableKeyRotation: true,
      removalPolicy: destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    return new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
  }
}

/**
 * Lets CloudWatch publish these alarms' notifications to `topic`. A topic policy replaces the topic's default
 * policy (the one that let the account's alarms publish), and `enforceSSL` creates one holding only its TLS
 * deny: without this statement every alarm action fails with "not authorized to perform SNS:Publish".
 * Conditioned on this account and these alarms, against the confused-deputy problem.
 */
export function allowAlarmsToPublish(topic: sns.Topic, alarms: readonly cloudwatch.Alarm[]): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnEquals: { 'aws:SourceArn': alarms.map((a) => a.alarmArn) },
      },
    }),
  );
}
