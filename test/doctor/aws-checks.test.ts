import {
  BatchGetNamedQueryCommand,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmHistoryCommand, GetMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { NAMED_QUERIES } from '../../analytics/definitions';
import { athenaChecks } from '../../local/doctor/checks/athena';
import { metricsCheck } from '../../local/doctor/checks/metrics';
import { readStackOutputs } from '../../local/doctor/checks/stack-outputs';
import { testAlarmCheck } from '../../local/doctor/checks/test-alarm';
import { topicPolicyCheck } from '../../local/doctor/checks/topic-policy';
import { DoctorSetupError } from '../../local/doctor/errors';
import { probeBatch } from '../../local/doctor/probes';
import type { DoctorContext, StackOutputs } from '../../local/doctor/types';
import {
  describeStacks,
  doctorClients,
  fakeTiming,
  mockedServices,
  REGION,
  STACK,
  stackOutputs,
  TLS_DENY_STATEMENT,
  TOPIC_ARN,
} from './fixtures';

// Each check that talks to an AWS-only service, on its pass and its fail path, with the service mocked
// (aws-sdk-client-mock) and answers shaped as in the service's API reference.

const METRICS = { namespace: 'CallCenterAnalytics', service: 'ctr-dedup' };

function context(services = mockedServices(), outputs: Partial<StackOutputs> = {}): DoctorContext {
  const timing = fakeTiming();
  return {
    stackName: STACK,
    clients: doctorClients(new S3Client({ region: REGION }), async () => ({ sent: 7 }), services),
    outputs: { ...(stackOutputs() as unknown as StackOutputs), ...outputs },
    probes: probeBatch(),
    startedAt: timing.now(),
    timing,
    progress: () => undefined,
  };
}

describe('stack outputs', () => {
  test('pass: a complete stack gives its outputs', async () => {
    const { clients } = mockedServices();
    const { outputs, result } = await readStackOutputs(clients.cloudformation, STACK);
    expect(outputs.AthenaWorkGroupName).toBe('CallCenterAnalytics-ctr');
    expect(result).toMatchObject({ status: 'pass', detail: 'CREATE_COMPLETE; 13 outputs' });
  });

  test('fail: no such stack (CloudFormation ValidationError) is one sentence with the next step', async () => {
    const { clients, mocks } = mockedServices();
    mocks.cloudformation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error(`Stack with id ${STACK} does not exist`), { name: 'ValidationError' }));
    await expect(readStackOutputs(clients.cloudformation, STACK)).rejects.toThrow(
      new DoctorSetupError(
        `Stack "${STACK}" does not exist in this account and Region: deploy it with "npm run cdk -- deploy", or pass --stack NAME and --region REGION of the stack you deployed.`,
      ),
    );
  });

  test('fail: a stack from an older version (an output missing) says to deploy this version', async () => {
    const { clients, mocks } = mockedServices();
    const { QuarantineBucketName: _gone, ...older } = stackOutputs();
    mocks.cloudformation.on(DescribeStacksCommand).resolves(describeStacks(older));
    await expect(readStackOutputs(clients.cloudformation, STACK)).rejects.toThrow(
      /older version of this app \(no QuarantineBucketName output\): deploy this version/,
    );
  });

  test('fail: a stack that rolled back is not checked', async () => {
    const { clients, mocks } = mockedServices();
    mocks.cloudformation.on(DescribeStacksCommand).resolves(describeStacks(stackOutputs(), 'ROLLBACK_COMPLETE'));
    await expect(readStackOutputs(clients.cloudformation, STACK)).rejects.toThrow(
      /is in state ROLLBACK_COMPLETE: wait for it to finish, or fix and redeploy it/,
    );
  });
});

describe('Athena', () => {
  test('pass: both views and every named query run in the stack workgroup, the saved SQL as deployed', async () => {
    const services = mockedServices();
    const results = await athenaChecks(context(services));
    expect(results.map((r) => r.id)).toEqual([
      'athena:ctr_typed',
      'athena:ctr_latest',
      ...NAMED_QUERIES.map((q) => `athena:${q.name}`),
    ]);
    expect(results.every((r) => r.status === 'pass' && r.detail === '1 row')).toBe(true);
    const starts = services.mocks.athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(
      starts.every(
        (s) =>
          s.WorkGroup === 'CallCenterAnalytics-ctr' && s.QueryExecutionContext?.Database === 'callcenteranalytics_ctr',
      ),
    ).toBe(true);
    expect(starts.map((s) => s.QueryString)).toEqual(
      expect.arrayContaining(['SELECT * FROM ctr_typed LIMIT 10', ...NAMED_QUERIES.map((q) => q.sql)]),
    );
  });

  test("fail: a failed query carries Athena's own error text", async () => {
    const services = mockedServices();
    const reason = 'HIVE_METASTORE_ERROR: Table storage descriptor is missing SerDe info';
    services.mocks.athena.on(GetQueryExecutionCommand).callsFake((input) => ({
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        Status: {
          State: 'FAILED',
          StateChangeReason: reason,
          AthenaError: { ErrorCategory: 2, ErrorType: 1306, Retryable: false, ErrorMessage: reason },
        },
      },
    }));
    const results = await athenaChecks(context(services));
    expect(results.every((r) => r.status === 'fail')).toBe(true);
    expect(results[0]).toMatchObject({
      detail: `Athena: ${reason}`,
      next: expect.stringContaining('Athena console (workgroup CallCenterAnalytics-ctr)'),
    });
  });

  test('fail: a named query missing from the workgroup (older deploy)', async () => {
    const services = mockedServices();
    services.mocks.athena.on(BatchGetNamedQueryCommand).resolves({ NamedQueries: [], UnprocessedNamedQueryIds: [] });
    const results = await athenaChecks(context(services));
    expect(results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(
      NAMED_QUERIES.map((q) => `athena:${q.name}`),
    );
    expect(results.find((r) => r.id === 'athena:dedup_audit')!.detail).toBe(
      'not saved in workgroup CallCenterAnalytics-ctr',
    );
  });
});

describe('dedup metrics', () => {
  test('pass: records in, duplicates and the quarantined record reached CloudWatch, read by namespace and service', async () => {
    const services = mockedServices();
    const result = await metricsCheck(context(services), METRICS);
    expect(result).toMatchObject({
      status: 'pass',
      detail: 'RecordsIn 7, duplicates 3, RecordsQuarantined 1 since the run started',
    });
    const query = services.mocks.cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries![0];
    expect(query.MetricStat!.Metric).toEqual({
      Namespace: 'CallCenterAnalytics',
      MetricName: 'RecordsIn',
      Dimensions: [{ Name: 'service', Value: 'ctr-dedup' }],
    });
  });

  test('fail: no data points until the wait ends', async () => {
    const services = mockedServices();
    services.mocks.cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'recordsin', Label: 'RecordsIn', Timestamps: [], Values: [], StatusCode: 'Complete' }],
    });
    const result = await metricsCheck(context(services), METRICS);
    expect(result).toMatchObject({
      status: 'fail',
      detail: 'RecordsIn 0, duplicates 0, RecordsQuarantined 0 since the run started; expected at least 7, 3 and 1',
    });
    expect(services.mocks.cloudwatch.commandCalls(GetMetricDataCommand).length).toBe(7);
  });
});

describe('alarm topic policy', () => {
  test('pass: the policy allows cloudwatch.amazonaws.com sns:Publish', async () => {
    expect(await topicPolicyCheck(context())).toMatchObject({ status: 'pass' });
  });

  test('fail: a policy with only the TLS deny (the defect of earlier versions)', async () => {
    const services = mockedServices();
    const tlsOnly = { Version: '2012-10-17', Statement: [TLS_DENY_STATEMENT] };
    services.mocks.sns
      .on(GetTopicAttributesCommand)
      .resolves({ Attributes: { TopicArn: TOPIC_ARN, Policy: JSON.stringify(tlsOnly) } });
    expect(await topicPolicyCheck(context(services))).toMatchObject({
      status: 'fail',
      next: expect.stringContaining('npm run cdk -- deploy'),
    });
  });

  test('skip: a stack without an alarm topic', async () => {
    expect(await topicPolicyCheck(context(mockedServices(), { AlarmTopicArn: undefined }))).toMatchObject({
      status: 'skip',
      next: expect.stringContaining('alarmEmail'),
    });
  });
});

describe('--test-alarm', () => {
  const alarms = (services: ReturnType<typeof mockedServices>) =>
    services.mocks.cloudformation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'MonitoringIteratorAgeAlarm1A2B3C4D',
          PhysicalResourceId: 'CallCenterAnalytics-MonitoringIteratorAgeAlarm-XYZ',
          ResourceType: 'AWS::CloudWatch::Alarm',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
        {
          LogicalResourceId: 'MonitoringQuarantineAlarm5E6F7A8B',
          PhysicalResourceId: 'CallCenterAnalytics-MonitoringQuarantineAlarm-ABC',
          ResourceType: 'AWS::CloudWatch::Alarm',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
      ],
    });
  const history = (summary: string) => ({
    AlarmHistoryItems: [
      {
        AlarmName: 'CallCenterAnalytics-MonitoringQuarantineAlarm-ABC',
        AlarmType: 'MetricAlarm' as const,
        Timestamp: new Date(),
        HistoryItemType: 'Action' as const,
        HistorySummary: summary,
      },
    ],
  });

  test('pass: SetAlarmState, then the alarm history shows the SNS action executed', async () => {
    const services = mockedServices();
    alarms(services);
    services.mocks.cloudwatch.on(SetAlarmStateCommand).resolves({});
    services.mocks.cloudwatch
      .on(DescribeAlarmHistoryCommand)
      .resolvesOnce({ AlarmHistoryItems: [] })
      .resolves(history(`Successfully executed action ${TOPIC_ARN}`));
    const result = await testAlarmCheck(context(services));
    expect(result).toMatchObject({ status: 'pass' });
    expect(services.mocks.cloudwatch.commandCalls(SetAlarmStateCommand)[0].args[0].input).toMatchObject({
      AlarmName: 'CallCenterAnalytics-MonitoringQuarantineAlarm-ABC',
      StateValue: 'ALARM',
    });
  });

  test('fail: the history shows the action failed, with its text', async () => {
    const services = mockedServices();
    alarms(services);
    services.mocks.cloudwatch.on(SetAlarmStateCommand).resolves({});
    const failed = `Failed to execute action ${TOPIC_ARN}. Received error: "CloudWatch Alarms is not authorized to perform: SNS:Publish on resource:${TOPIC_ARN}"`;
    services.mocks.cloudwatch.on(DescribeAlarmHistoryCommand).resolves(history(failed));
    expect(await testAlarmCheck(context(services))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not authorized to perform: SNS:Publish'),
    });
  });
});
