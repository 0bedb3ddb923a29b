import { Duration, Size } from 'aws-cdk-lib';
import { InvalidSettingError } from '../../lib/errors';
import { stackPropsFromContext } from '../../lib/stack-context';
import { testApp } from '../setup/temp-dirs';

const fromContext = (context: Record<string, unknown>) => stackPropsFromContext(testApp({ context }).node);

describe('stack props from CDK context', () => {
  test('no context: default stack name, everything else left to the stack defaults', () => {
    const props = fromContext({});
    expect(props.stackName).toBe('CallCenterAnalytics');
    expect(props.eventSource).toEqual({});
    const { stackName, eventSource, ...rest } = props;
    expect(Object.values(rest).every((v) => v === undefined)).toBe(true);
  });

  test('CLI strings (-c key=value) are parsed into typed props', () => {
    const props = fromContext({
      stackName: 'CtrTest',
      connectInstanceArn: 'arn:aws:connect:eu-west-1:123456789012:instance/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      shardCount: '2',
      streamRetentionHours: '48',
      batchSize: '250',
      maxBatchingWindowSeconds: '3',
      parallelizationFactor: '2',
      retryAttempts: '5',
      maxRecordAgeSeconds: '7200',
      bisectBatchOnError: 'false',
      dedupWindowDays: '3',
      fingerprintMode: 'raw',
      deliveryReceipts: 'off',
      firehoseBufferingSeconds: '120',
      firehoseBufferingMiB: '96',
      dataTransitionDays: '60',
      athenaResultsExpirationDays: '14',
      alarmEmail: 'ops@example.com',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
      destroyOnRemoval: 'true',
      timeZone: 'Asia/Seoul',
    });
    expect(props).toMatchObject({
      stackName: 'CtrTest',
      timeZone: 'Asia/Seoul',
      shardCount: 2,
      eventSource: {
        batchSize: 250,
        maxBatchingWindowSeconds: 3,
        parallelizationFactor: 2,
        retryAttempts: 5,
        maxRecordAgeSeconds: 7200,
        bisectBatchOnError: false,
      },
      fingerprintMode: 'raw',
      deliveryReceipts: 'off',
      alarmEmail: 'ops@example.com',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
      destroyOnRemoval: true,
    });
    expect(props.streamRetention!.toHours()).toBe(48);
    expect(props.dedupWindow!.toDays()).toBe(3);
    expect(props.firehoseBufferingInterval!.toSeconds()).toBe(120);
    expect(props.firehoseBufferingSize!.toMebibytes()).toBe(96);
    expect(props.dataTransitionAfter!.toDays()).toBe(60);
    expect(props.athenaResultsExpiration!.toDays()).toBe(14);
  });

  test('cdk.json JSON types are accepted as they are', () => {
    const props = fromContext({ shardCount: 3, destroyOnRemoval: false, batchSize: 10 });
    expect(props.shardCount).toBe(3);
    expect(props.destroyOnRemoval).toBe(false);
    expect(props.eventSource).toEqual({ batchSize: 10 });
  });

  test.each([
    ['shardCount', 'many'],
    ['destroyOnRemoval', 'yes please'],
    ['fingerprintMode', 'sha1'],
    ['deliveryReceipts', 'sometimes'],
    ['alarmEmail', 42],
  ])('rejects %s=%p with a named error', (key, value) => {
    expect(() => fromContext({ [key]: value })).toThrow(InvalidSettingError);
  });

  test('results are plain CDK values the stack accepts', () => {
    const props = fromContext({ firehoseBufferingMiB: 64, streamRetentionHours: 24 });
    expect(props.firehoseBufferingSize).toBeInstanceOf(Size);
    expect(props.streamRetention).toBeInstanceOf(Duration);
  });
});
