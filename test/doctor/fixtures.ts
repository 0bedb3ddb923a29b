import {
  AthenaClient,
  BatchGetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListNamedQueriesCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { NAMED_QUERIES } from '../../analytics/definitions';
import type { DoctorClients, DoctorTiming } from '../../local/doctor/types';
import type { LocalEnvironment } from '../../local/environment';

// Response shapes follow the AWS API reference of each operation (DescribeStacks, ListNamedQueries,
// BatchGetNamedQuery, StartQueryExecution, GetQueryExecution, GetQueryResults, GetMetricData, GetTopicAttributes).

export const STACK = 'CallCenterAnalytics';
export const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY' };
export const TOPIC_ARN = `arn:aws:sns:${REGION}:123456789012:CallCenterAnalytics-MonitoringAlarmTopic-1A2B3C`;

/** Outputs as the deployed stack has them; buckets are the local pipeline's when run against it. */
export function stackOutputs(
  bucket = 'callcenteranalytics-databucket-1a2b3c',
  quarantine = 'callcenteranalytics-quarantinebucket-4d5e6f',
): Record<string, string> {
  return {
    StreamName: 'CallCenterAnalytics-CtrStream-AbC123',
    EmulatorFunctionName: 'CallCenterAnalytics-EmulatorFunction-AbC123',
    DedupFunctionName: 'CallCenterAnalytics-DedupFunction-AbC123',
    DeliveryStreamName: 'CallCenterAnalytics-Delivery-AbC123',
    DataBucketName: bucket,
    QuarantineBucketName: quarantine,
    FailedBatchesBucketName: 'callcenteranalytics-failedbatches-7g8h9i',
    AthenaResultsBucketName: 'callcenteranalytics-athenaresults-0j1k2l',
    GlueDatabaseName: 'callcenteranalytics_ctr',
    GlueTableName: 'contact_trace_records',
    AthenaWorkGroupName: 'CallCenterAnalytics-ctr',
    DashboardName: 'CallCenterAnalytics-Dashboard',
    AlarmTopicArn: TOPIC_ARN,
  };
}

/** A DescribeStacks answer for a stack with these outputs. */
export function describeStacks(outputs: Record<string, string>, status = 'CREATE_COMPLETE') {
  return {
    Stacks: [
      {
        StackName: STACK,
        StackId: `arn:aws:cloudformation:${REGION}:123456789012:stack/${STACK}/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
        CreationTime: new Date('2026-11-30T10:00:00Z'),
        StackStatus: status,
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
          Description: OutputKey,
        })),
      },
    ],
  } as never;
}

/** The topic policy's statement that refuses publishing without TLS (every version has it). */
export const TLS_DENY_STATEMENT = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'sns:Publish',
  Resource: TOPIC_ARN,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

/** The topic policy this version deploys: the TLS deny and CloudWatch's publish. */
export const GOOD_TOPIC_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    TLS_DENY_STATEMENT,
    {
      Sid: 'AllowCloudWatchAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    },
  ],
});

/** Mocked AWS-only services, all answering "healthy" until a test says otherwise. */
export function mockedServices() {
  const cloudformation = new CloudFormationClient({ region: REGION, credentials });
  const athena = new AthenaClient({ region: REGION, credentials });
  const cloudwatch = new CloudWatchClient({ region: REGION, credentials });
  const sns = new SNSClient({ region: REGION, credentials });
  const mocks = {
    cloudformation: mockClient(cloudformation),
    athena: mockClient(athena),
    cloudwatch: mockClient(cloudwatch),
    sns: mockClient(sns),
  };
  mocks.cloudformation.on(DescribeStacksCommand).resolves(describeStacks(stackOutputs()));
  const ids = NAMED_QUERIES.map((_, i) => `0c1d2e3f-0000-4000-8000-00000000000${i.toString(16)}`);
  mocks.athena.on(ListNamedQueriesCommand).resolves({ NamedQueryIds: ids });
  mocks.athena.on(BatchGetNamedQueryCommand).resolves({
    NamedQueries: NAMED_QUERIES.map((q, i) => ({
      Name: q.name,
      Description: q.description,
      Database: 'callcenteranalytics_ctr',
      QueryString: q.sql,
      NamedQueryId: ids[i],
      WorkGroup: 'CallCenterAnalytics-ctr',
    })),
    UnprocessedNamedQueryIds: [],
  });
  let n = 0;
  mocks.athena.on(StartQueryExecutionCommand).callsFake(() => {
    n += 1;
    return { QueryExecutionId: `qe-${n}` };
  });
  mocks.athena.on(GetQueryExecutionCommand).callsFake((input) => ({
    QueryExecution: {
      QueryExecutionId: input.QueryExecutionId,
      Status: { State: 'SUCCEEDED', SubmissionDateTime: new Date(), CompletionDateTime: new Date() },
    },
  }));
  // A fresh answer per call: the reader drops the header row from the page it gets.
  mocks.athena.on(GetQueryResultsCommand).callsFake(() => ({
    ResultSet: {
      Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '3' }] }],
      ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
    },
  }));
  mocks.cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'recordsin', Label: 'RecordsIn', Timestamps: [new Date()], Values: [7], StatusCode: 'Complete' },
      {
        Id: 'duplicatesinbatch',
        Label: 'DuplicatesInBatch',
        Timestamps: [new Date()],
        Values: [3],
        StatusCode: 'Complete',
      },
      {
        Id: 'duplicatesstored',
        Label: 'DuplicatesStored',
        Timestamps: [new Date()],
        Values: [0],
        StatusCode: 'Complete',
      },
      { Id: 'quarantined', Label: 'RecordsQuarantined', Timestamps: [new Date()], Values: [1], StatusCode: 'Complete' },
    ],
  });
  mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: TOPIC_ARN, Policy: GOOD_TOPIC_POLICY } });
  return { clients: { cloudformation, athena, cloudwatch, sns }, mocks };
}

/** A clock that only moves when the doctor sleeps: waits take no time and timeouts are reached by polling. */
export function fakeTiming(overrides: Partial<DoctorTiming> = {}): DoctorTiming {
  let t = Date.now();
  return {
    deliveryTimeoutMs: 60_000,
    metricsTimeoutMs: 60_000,
    pollIntervalMs: 10_000,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    ...overrides,
  };
}

/**
 * The emulator invoked in this process against the local servers, then the local event source mapping drained and
 * Firehose flushed: what Lambda, the mapping and Firehose do in the account, without their waits.
 */
export function localInvoke(env: LocalEnvironment): DoctorClients['invokeEmulator'] {
  return async (_functionName, payload) => {
    const result = await env.emulator(payload);
    await env.mapping.drain(() => true);
    await env.firehose.flush();
    return result;
  };
}

/** Clients: mocked AWS-only services, S3 and the invocation from the caller. */
export function doctorClients(
  s3: S3Client,
  invokeEmulator: DoctorClients['invokeEmulator'],
  services = mockedServices(),
): DoctorClients {
  return { ...services.clients, s3, invokeEmulator };
}
