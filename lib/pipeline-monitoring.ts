import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
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
    const metrics = pipelineMetrics(props);
    this.alarms = this.createAlarms(props, metrics);
    this.alarmTopic = this.notify(props);
    this.dashboard = this.createDashboard(props, metrics);
  }

  private createAlarms(props: PipelineMonitoringProps, m: PipelineMetrics): PipelineMonitoring['alarms'] {
    const { iteratorAgeMs, freshnessSeconds } = thresholds(props);
    const quarantined = new cloudwatch.Metric({
      namespace: props.metricsNamespace,
      metricName: DEDUP_METRICS.quarantined,
      dimensionsMap: { service: props.serviceName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    });
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    };
    const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    return {
      iteratorAge: this.alarm(m.iteratorAge, 'IteratorAgeAlarm', {
        alarmDescription: `Dedup function is more than ${iteratorAgeMs / 1000} s behind the CTR stream`,
        threshold: iteratorAgeMs,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: above,
      }),
      lambdaErrors: this.alarm(m.errors, 'LambdaErrorsAlarm', {
        alarmDescription: 'Dedup function invocations failed (the batch is retried, then sent to the failure bucket)',
        ...atLeastOne,
      }),
      failedBatches: this.alarm(m.failedBatchPuts, 'FailedBatchesAlarm', {
        alarmDescription: 'Records gave up retrying and were written to the failure bucket: replay them',
        ...atLeastOne,
      }),
      quarantined: this.alarm(quarantined, 'QuarantineAlarm', {
        alarmDescription: 'Malformed or oversized CTRs were quarantined',
        ...atLeastOne,
      }),
      deliveryFreshness: this.alarm(m.freshness, 'DeliveryFreshnessAlarm', {
        alarmDescription: `Firehose has held records for more than ${freshnessSeconds} s without delivering them to S3`,
        threshold: freshnessSeconds,
        evaluationPeriods: 1,
        comparisonOperator: above,
      }),
      // Records that fail the Parquet conversion never reach the table (they go to the error prefix's
      // format-conversion-failed/ folder); the source-record backup still holds them.
      conversionFailures: this.alarm(
        props.deliveryStream.metric('FailedConversion.Records', {
          statistic: cloudwatch.Stats.SUM,
          period: Duration.minutes(5),
        }),
        'ConversionFailuresAlarm',
        {
          alarmDescription:
            'Firehose could not convert CTRs to Parquet: they are under firehose-errors/format-conversion-failed/ and backup/, not in the table',
          ...atLeastOne,
        },
      ),
    };
  }

  /** An alarm that treats missing data as fine: no traffic is not a failure. */
  private alarm(
    metric: cloudwatch.Metric,
    id: string,
    options: Omit<cloudwatch.CreateAlarmOptions, 'treatMissingData'>,
  ): cloudwatch.Alarm {
    return metric.createAlarm(this, id, { ...options, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING });
  }

  /** Sends alarm and OK notifications to the given topic, or to one created for `alarmEmail`. */
  private notify(props: PipelineMonitoringProps): sns.ITopic | undefined {
    const createdTopic = props.alarmTopic
      ? undefined
      : props.alarmEmail
        ? this.createTopic(props.destroyOnRemoval ?? false)
        : undefined;
    const topic = props.alarmTopic ?? createdTopic;
    if (createdTopic) allowAlarmsToPublish(createdTopic, Object.values(this.alarms));
    if (topic) {
      if (props.alarmEmail) {
        const subscription = topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
        Validations.of(subscription).acknowledge({
          id: 'Serverless-SNSRedrivePolicy',
          reason:
            'Email notification of an alarm: SNS retries email delivery itself, and a missed email loses no ' +
            'data (the alarm state stays on the dashboard), so a dead-letter queue would add cost for nothing.',
        });
      }
      const action = new actions.SnsAction(topic);
      for (const alarm of Object.values(this.alarms)) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    return topic;
  }

  private createDashboard(props: PipelineMonitoringProps, m: PipelineMetrics): cloudwatch.Dashboard {
    const fn = props.dedupFunction;
    const { counters } = m;
    const { iteratorAgeMs, freshnessSeconds } = thresholds(props);
    return new cloudwatch.Dashboard(this, 'Dashboard', {
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
            left: [
              props.stream.metricIncomingRecords({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1) }),
            ],
          }),
        ],
        this.functionRow(fn, m, iteratorAgeMs),
        this.deliveryRow(props, m, freshnessSeconds),
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: Object.values(this.alarms) })],
      ],
    });
  }

  private functionRow(fn: lambda.IFunction, m: PipelineMetrics, iteratorAgeMs: number): cloudwatch.IWidget[] {
    const { errors, iteratorAge } = m;
    return [
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
    ];
  }

  private deliveryRow(
    props: PipelineMonitoringProps,
    m: PipelineMetrics,
    freshnessSeconds: number,
  ): cloudwatch.IWidget[] {
    const { deliverySuccess, resends, freshness } = m;
    return [
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
    ];
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

/** The metrics the alarms and the dashboard share. */
type PipelineMetrics = ReturnType<typeof pipelineMetrics>;

function thresholds(props: PipelineMonitoringProps) {
  return {
    iteratorAgeMs: (props.iteratorAgeThreshold ?? Duration.minutes(5)).toMilliseconds(),
    freshnessSeconds: (props.freshnessThreshold ?? Duration.minutes(15)).toSeconds(),
  };
}

function pipelineMetrics(props: PipelineMonitoringProps) {
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

  return { counters, resends, iteratorAge, errors, freshness, deliverySuccess, failedBatchPuts };
}
