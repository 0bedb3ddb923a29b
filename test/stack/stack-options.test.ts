import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CallCenterAnalyticsStack } from '../../lib/call-center-analytics-stack';
import { InvalidSettingError, StackConfigError } from '../../lib/errors';
import { testApp } from '../setup/temp-dirs';
import { logicalId, resources, synthStack } from './synth';

const CONNECT_ARN = 'arn:aws:connect:eu-west-1:123456789012:instance/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('every option set', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStack({
      connectInstanceArn: CONNECT_ARN,
      shardCount: 4,
      streamRetention: Duration.hours(48),
      eventSource: {
        batchSize: 500,
        maxBatchingWindowSeconds: 5,
        parallelizationFactor: 4,
        retryAttempts: 3,
        maxRecordAgeSeconds: 3600,
        bisectBatchOnError: false,
      },
      dedupWindow: Duration.days(2),
      fingerprintMode: 'raw',
      deliveryReceipts: 'off',
      firehoseBufferingInterval: Duration.seconds(300),
      firehoseBufferingSize: Size.mebibytes(128),
      dataTransitionAfter: Duration.days(30),
      athenaResultsExpiration: Duration.days(3),
      alarmEmail: 'ops@example.com',
      iteratorAgeAlarmThreshold: Duration.minutes(1),
      freshnessAlarmThreshold: Duration.minutes(30),
      destroyOnRemoval: true,
    }).template;
  });

  test('registers the stream as the Connect instance CTR stream', () => {
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      InstanceArn: CONNECT_ARN,
      ResourceType: 'CONTACT_TRACE_RECORDS',
      StorageType: 'KINESIS_STREAM',
      KinesisStreamConfig: {
        StreamArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Kinesis::Stream', 'CtrStream'), 'Arn'] },
      },
    });
  });

  test('provisioned shards and retention', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      RetentionPeriodHours: 48,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  test('event source overrides reach the mapping', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('dedup window and fingerprint mode reach the function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DEDUP_WINDOW_SECONDS: String(2 * 86400),
          FINGERPRINT_MODE: 'raw',
          DELIVERY_RECEIPTS: 'off',
        }),
      },
    });
  });

  test('buffering hints and lifecycle settings', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
      }),
    });
    const rules = (prefix: string) =>
      resources(template)[logicalId(template, 'AWS::S3::Bucket', prefix)].Properties.LifecycleConfiguration.Rules;
    expect(rules('DataBucket')).toContainEqual(
      expect.objectContaining({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }),
    );
    expect(rules('AthenaResultsBucket')).toContainEqual(expect.objectContaining({ ExpirationInDays: 3 }));
  });

  test('alarm email: a KMS-encrypted topic with the subscription, notified on alarm and OK', () => {
    const topicId = logicalId(template, 'AWS::SNS::Topic', 'Monitoring');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    const alarms = Object.values(resources(template)).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(6);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 60000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryToS3.DataFreshness',
      Threshold: 1800,
    });
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: topicId });
  });

  test('destroyOnRemoval deletes data stores and empties buckets', () => {
    for (const r of Object.values(resources(template))) {
      if (
        [
          'AWS::S3::Bucket',
          'AWS::DynamoDB::Table',
          'AWS::Kinesis::Stream',
          'AWS::Logs::LogGroup',
          'AWS::KMS::Key',
        ].includes(r.Type)
      ) {
        expect([r.Type, r.DeletionPolicy]).toEqual([r.Type, 'Delete']);
      }
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 5);
    template.hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: true });
  });
});

describe('existing alarm topic', () => {
  test('alarms notify the given topic and no topic or key is created', () => {
    const template = synthStack({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }).template;
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:ops'],
    });
  });

  test('an ITopic prop wins over an ARN', () => {
    const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    process.env.CDK_VALIDATION = 'false';
    const stack = new CallCenterAnalyticsStack(app, 'T', {
      alarmTopic: sns.Topic.fromTopicArn(new Stack(app, 'Shared'), 'X', 'arn:aws:sns:eu-west-1:123456789012:chosen'),
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ignored',
    });
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toContain(':chosen');
    expect(json).not.toContain(':ignored');
  });
});

describe('names derived from the stack', () => {
  test('two stacks get different Glue database and workgroup names, and no other physical names', () => {
    const a = synthStack({}, { stackName: 'CtrA' }).template;
    const b = synthStack({}, { stackName: 'CtrB' }).template;
    const names = (t: Template) => [
      t.toJSON().Outputs.GlueDatabaseName.Value,
      t.toJSON().Outputs.AthenaWorkGroupName.Value,
    ];
    expect(names(a)).toEqual(['ctra_ctr', 'CtrA-ctr']);
    expect(names(b)).toEqual(['ctrb_ctr', 'CtrB-ctr']);
    const nameProps = [
      'BucketName',
      'TableName',
      'FunctionName',
      'DeliveryStreamName',
      'TopicName',
      'DashboardName',
      'LogGroupName',
      'RoleName',
    ];
    for (const r of Object.values(resources(a))) {
      if (r.Type === 'AWS::Kinesis::Stream') expect(r.Properties.Name).toBeUndefined();
      if (r.Type === 'AWS::DynamoDB::Table') expect(r.Properties.TableName).toBeUndefined();
      // A literal string would collide on a second deploy; references to generated names are fine.
      for (const p of nameProps) expect([r.Type, p, typeof r.Properties?.[p]]).not.toEqual([r.Type, p, 'string']);
    }
  });
});

describe('invalid settings fail at synth with a named error', () => {
  const expectInvalid = (props: Parameters<typeof synthStack>[0], setting: string) => {
    let error: unknown;
    try {
      synthStack(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as InvalidSettingError).setting).toBe(setting);
  };

  test('malformed Connect instance ARN', () =>
    expectInvalid({ connectInstanceArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/x' }, 'connectInstanceArn'));
  test('buffer below the 64 MiB dynamic-partitioning minimum', () =>
    expectInvalid({ firehoseBufferingSize: Size.mebibytes(5) }, 'bufferingSize'));
  test('buffering interval below 60 s', () =>
    expectInvalid({ firehoseBufferingInterval: Duration.seconds(10) }, 'bufferingInterval'));
  test('zero shards', () => expectInvalid({ shardCount: 0 }, 'shardCount'));
});
