import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  CLAIM_ATTR,
  DEDUP_ENV,
  DEDUP_METRICS,
  DEDUP_SERVICE_NAME,
  METRICS_NAMESPACE,
} from '../../lambda-dedup/src/constants';
import { EMULATOR_ENV } from '../../lambda-emulator/src/constants';
import { FAILED_BATCHES_METRICS_FILTER } from '../../lib/call-center-analytics-stack';
import { ATHENA_RESULTS_PREFIX, CTR_TABLE_NAME } from '../../lib/definitions/catalog-names';
import { CTR_COLUMNS, toGlueType } from '../../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import { DEFAULT_EVENT_SOURCE_SETTINGS } from '../../lib/definitions/event-source-settings';
import { logicalId, resources, roleActions, roleStatements, synthStack } from './synth';

// One synthesized stack (with real esbuild bundling) shared by every assertion in this file.
let template: Template;
let assemblyDir: string;
let ids: Record<'stream' | 'table' | 'delivery' | 'dedupFn' | 'emulatorFn' | 'dedupRole' | 'emulatorRole', string>;
let bucketIds: Record<'data' | 'quarantine' | 'failed' | 'results' | 'logs', string>;

beforeAll(() => {
  const synth = synthStack({}, { bundle: true });
  template = synth.template;
  assemblyDir = synth.app.synth().directory;
  ids = {
    stream: logicalId(template, 'AWS::Kinesis::Stream', 'CtrStream'),
    table: logicalId(template, 'AWS::DynamoDB::Table', 'DedupTable'),
    delivery: logicalId(template, 'AWS::KinesisFirehose::DeliveryStream', 'Delivery'),
    dedupFn: logicalId(template, 'AWS::Lambda::Function', 'DedupFunction'),
    emulatorFn: logicalId(template, 'AWS::Lambda::Function', 'EmulatorFunction'),
    dedupRole: logicalId(template, 'AWS::IAM::Role', 'DedupRole'),
    emulatorRole: logicalId(template, 'AWS::IAM::Role', 'EmulatorRole'),
  };
  bucketIds = {
    data: logicalId(template, 'AWS::S3::Bucket', 'DataBucket'),
    quarantine: logicalId(template, 'AWS::S3::Bucket', 'QuarantineBucket'),
    failed: logicalId(template, 'AWS::S3::Bucket', 'FailedBatchesBucket'),
    results: logicalId(template, 'AWS::S3::Bucket', 'AthenaResultsBucket'),
    logs: logicalId(template, 'AWS::S3::Bucket', 'AccessLogsBucket'),
  };
});

/** The bundled index.js of a function, read from the cloud assembly. */
function bundleOf(functionId: string): string {
  const code = resources(template)[functionId].Properties.Code;
  return fs.readFileSync(path.join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
}

/** IAM service prefix of each SDK command the handlers may send; an unknown command fails the test below. */
const COMMAND_SERVICE: Record<string, string> = {
  GetItem: 'dynamodb',
  PutItem: 'dynamodb',
  UpdateItem: 'dynamodb',
  DeleteItem: 'dynamodb',
  PutRecordBatch: 'firehose',
  PutObject: 's3',
  PutRecord: 'kinesis',
  PutRecords: 'kinesis',
  BatchGetItem: 'dynamodb',
  GetSecretValue: 'secretsmanager',
};

/**
 * PartiQL statements are authorized by their verb, not by the batch operation carrying them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html).
 */
const PARTIQL_ACTIONS: Record<string, string> = {
  INSERT: 'dynamodb:PartiQLInsert',
  UPDATE: 'dynamodb:PartiQLUpdate',
  DELETE: 'dynamodb:PartiQLDelete',
  SELECT: 'dynamodb:PartiQLSelect',
};

/** IAM actions for every `new XxxCommand(` in a Lambda's source folder (tests excluded). */
function actionsUsedBy(srcDir: string): string[] {
  const used = new Set<string>();
  for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(srcDir, file), 'utf8');
    for (const [, name] of source.matchAll(/new (\w+)Command\(/g)) {
      if (name === 'BatchExecuteStatement') continue;
      expect([name, COMMAND_SERVICE[name]]).toEqual([name, expect.any(String)]);
      used.add(`${COMMAND_SERVICE[name]}:${name}`);
    }
    // The verbs of the PartiQL statements the source builds (`INSERT INTO`, `UPDATE `, `DELETE FROM` in a template).
    for (const [, verb] of source.matchAll(/`(INSERT|UPDATE|DELETE|SELECT) /g)) used.add(PARTIQL_ACTIONS[verb]);
  }
  return [...used].sort();
}

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objects = (bucketId: string, suffix: string) => ({ 'Fn::Join': ['', [arn(bucketId), `/${suffix}`]] });

describe('Kinesis stream', () => {
  test('is on-demand, encrypted with the AWS managed key, 24 h retention, retained on delete', () => {
    template.hasResource('AWS::Kinesis::Stream', {
      Properties: {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        RetentionPeriodHours: 24,
        Name: Match.absent(),
        ShardCount: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('dedup table', () => {
  test('key and TTL attribute are the names the dedup function writes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: CLAIM_ATTR.fingerprint, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: CLAIM_ATTR.fingerprint, AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: CLAIM_ATTR.expiresAt, Enabled: true },
    });
  });

  test('is on-demand, encrypted, with point-in-time recovery, protected and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TableName: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('dedup function', () => {
  test('runs on ARM64 with the newest Node runtime, traced, with its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      FunctionName: Match.absent(),
      Role: arn(ids.dedupRole),
      LoggingConfig: { LogGroup: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'DedupLogGroup') } },
    });
  });

  test('environment names come from DEDUP_ENV and point at this stack resources', () => {
    const env = resources(template)[ids.dedupFn].Properties.Environment.Variables;
    expect(env).toMatchObject({
      [DEDUP_ENV.tableName]: { Ref: ids.table },
      [DEDUP_ENV.deliveryStreamName]: { Ref: ids.delivery },
      [DEDUP_ENV.quarantineBucketName]: { Ref: bucketIds.quarantine },
      [DEDUP_ENV.quarantinePrefix]: 'quarantine/',
      [DEDUP_ENV.windowSeconds]: String(7 * 24 * 3600),
      [DEDUP_ENV.fingerprintMode]: 'canonical',
      [DEDUP_ENV.claimConcurrency]: '32',
      [DEDUP_ENV.deliveryReceipts]: 'batch',
      [DEDUP_ENV.deliveryAttempts]: '4',
      POWERTOOLS_SERVICE_NAME: DEDUP_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    });
    // No variable the function would not read.
    const known = new Set<string>([
      ...Object.values(DEDUP_ENV),
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
    ]);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  });

  test('event source mapping uses the shared defaults, partial batch responses and an S3 failure destination', () => {
    const d = DEFAULT_EVENT_SOURCE_SETTINGS;
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(ids.stream),
      FunctionName: { Ref: ids.dedupFn },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: d.batchSize,
      MaximumBatchingWindowInSeconds: d.maxBatchingWindowSeconds,
      ParallelizationFactor: d.parallelizationFactor,
      MaximumRetryAttempts: d.retryAttempts,
      MaximumRecordAgeInSeconds: d.maxRecordAgeSeconds,
      BisectBatchOnFunctionError: d.bisectBatchOnError,
      // An S3 destination keeps the failed records themselves, not only batch metadata.
      DestinationConfig: { OnFailure: { Destination: arn(bucketIds.failed) } },
    });
  });

  test('role holds exactly the actions the function and its mapping use, on their own resources', () => {
    expect(roleActions(template, ids.dedupRole)).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PartiQLDelete',
        'dynamodb:PartiQLInsert',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'firehose:PutRecordBatch',
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamConsumer',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
        'kinesis:ListStreams',
        'kinesis:SubscribeToShard',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:ListBucket',
        's3:PutObject',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const statements = roleStatements(template, ids.dedupRole);
    const resourcesOf = (action: string) =>
      statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
    expect(resourcesOf('dynamodb:PutItem')).toEqual([arn(ids.table)]);
    expect(resourcesOf('dynamodb:PartiQLInsert')).toEqual([arn(ids.table)]);
    expect(resourcesOf('firehose:PutRecordBatch')).toEqual([arn(ids.delivery)]);
    expect(resourcesOf('s3:PutObject')).toEqual(
      expect.arrayContaining([objects(bucketIds.quarantine, 'quarantine/*'), objects(bucketIds.failed, '*')]),
    );
    expect(resourcesOf('s3:PutObject')).toHaveLength(2);
    expect(resourcesOf('s3:ListBucket')).toEqual([arn(bucketIds.failed)]);
    expect(resourcesOf('kinesis:GetRecords')).toEqual([arn(ids.stream)]);
    // Only X-Ray, which has no resource-level permissions, gets "*".
    for (const s of statements.filter((x) => x.Resource.includes('*'))) {
      expect(s.Action.every((a) => a.startsWith('xray:'))).toBe(true);
    }
    expect(resources(template)[ids.dedupRole].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('role allows every AWS call the dedup source makes', () => {
    const used = actionsUsedBy(path.join(__dirname, '..', '..', 'lambda-dedup', 'src'));
    expect(used.length).toBeGreaterThan(0);
    expect(roleActions(template, ids.dedupRole)).toEqual(expect.arrayContaining(used));
  });

  test('bundle is minified with the AWS SDK left to the runtime, within the 300 KB target', () => {
    const bundle = bundleOf(ids.dedupFn);
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(300 * 1024);
    expect(bundle.split('\n').length).toBeLessThan(20); // minified: code on a few long lines
    expect(bundle).toContain('require("@aws-sdk/client-dynamodb")');
    expect(bundle).toContain('require("@aws-sdk/client-firehose")');
  });
});

describe('emulator function', () => {
  test('gets STREAM_NAME and can only put records into this stream', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Role: arn(ids.emulatorRole),
      Environment: { Variables: { [EMULATOR_ENV.streamName]: { Ref: ids.stream } } },
    });
    const statements = roleStatements(template, ids.emulatorRole);
    const nonTelemetry = statements.filter((s) => !s.Action.every((a) => /^(logs|xray):/.test(a)));
    expect(nonTelemetry).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        Resource: [arn(ids.stream)],
      }),
    ]);
    const logs = statements.find((s) => s.Action.includes('logs:PutLogEvents'))!;
    expect(logs.Resource).toEqual([arn(logicalId(template, 'AWS::Logs::LogGroup', 'EmulatorLogGroup'))]);
    expect(resources(template)[ids.emulatorRole].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('role allows every AWS call the emulator source makes', () => {
    const used = actionsUsedBy(path.join(__dirname, '..', '..', 'lambda-emulator', 'src'));
    expect(used.length).toBeGreaterThan(0);
    expect(roleActions(template, ids.emulatorRole)).toEqual(expect.arrayContaining(used));
  });

  test('bundle leaves the AWS SDK to the runtime and stays within 300 KB', () => {
    const bundle = bundleOf(ids.emulatorFn);
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(300 * 1024);
    expect(bundle).toContain('require("@aws-sdk/client-kinesis")');
  });
});

describe('Firehose delivery stream', () => {
  test('direct put, encrypted, Parquet, partitioned by the contact date with the shared layout', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamName: Match.absent(),
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: {
        BucketARN: arn(bucketIds.data),
        Prefix: DELIVERY_LAYOUT.prefix,
        ErrorOutputPrefix: DELIVERY_LAYOUT.errorOutputPrefix,
        CompressionFormat: Match.absent(),
        FileExtension: DELIVERY_LAYOUT.dataFileExtension,
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
        DynamicPartitioningConfiguration: { Enabled: true },
        CloudWatchLoggingOptions: {
          Enabled: true,
          LogGroupName: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'DeliveryLogGroup') },
        },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'MetadataExtraction',
              Parameters: Match.arrayWith([
                {
                  ParameterName: 'MetadataExtractionQuery',
                  ParameterValue: JSON.stringify({ [DELIVERY_LAYOUT.partitionColumn]: '__Q__' }).replace(
                    '"__Q__"',
                    DELIVERY_LAYOUT.partitionQuery,
                  ),
                },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ]),
            },
          ],
        },
      },
    });
  });

  test('converts to GZIP Parquet with the Glue table as schema, read through its latest version', () => {
    const config =
      resources(template)[ids.delivery].Properties.ExtendedS3DestinationConfiguration.DataFormatConversionConfiguration;
    expect(config.Enabled).toBe(true);
    expect(config.OutputFormatConfiguration).toEqual({ Serializer: { ParquetSerDe: { Compression: 'GZIP' } } });
    expect(config.SchemaConfiguration).toEqual({
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseName: 'teststack_ctr',
      Region: { Ref: 'AWS::Region' },
      RoleARN: arn(logicalId(template, 'AWS::IAM::Role', 'DeliveryRole')),
      TableName: { Ref: logicalId(template, 'AWS::Glue::Table', 'CatalogTable') },
      VersionId: 'LATEST',
    });
  });

  test('backs up every source record as GZIP JSON under backup/, by arrival date, to the same bucket', () => {
    const config = resources(template)[ids.delivery].Properties.ExtendedS3DestinationConfiguration;
    expect(config.S3BackupMode).toBe('Enabled');
    expect(config.S3BackupConfiguration).toMatchObject({
      BucketARN: arn(bucketIds.data),
      Prefix: DELIVERY_LAYOUT.backupPrefix,
      ErrorOutputPrefix: DELIVERY_LAYOUT.backupErrorOutputPrefix,
      CompressionFormat: 'GZIP',
      RoleARN: arn(logicalId(template, 'AWS::IAM::Role', 'DeliveryRole')),
      CloudWatchLoggingOptions: {
        Enabled: true,
        LogGroupName: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'DeliveryLogGroup') },
      },
    });
    expect(DELIVERY_LAYOUT.backupPrefix.startsWith(DELIVERY_LAYOUT.dataRoot)).toBe(false);
  });

  test('lifecycle: the backup moves to Glacier Instant Retrieval after 30 days and is kept', () => {
    const rules = resources(template)[bucketIds.data].Properties.LifecycleConfiguration.Rules;
    const backup = rules.find((r: { Prefix: string }) => r.Prefix === 'backup/');
    expect(backup).toMatchObject({
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
      Status: 'Enabled',
    });
    expect(backup.ExpirationInDays).toBeUndefined();
  });

  test('its role reads only the schema of the CTR table from Glue', () => {
    const statements = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'DeliveryRole'));
    const glue = statements.filter((s) => s.Action.some((a: string) => a.startsWith('glue:')));
    expect(glue).toHaveLength(1);
    expect(glue[0].Action).toEqual(['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']);
    expect(JSON.stringify(glue[0].Resource)).toContain(':table/teststack_ctr/contact_trace_records');
    expect(JSON.stringify(glue[0].Resource)).not.toContain('*');
  });

  test('has no AppendDelimiterToRecord processor (the dedup function already ends records with a newline)', () => {
    const config = resources(template)[ids.delivery].Properties.ExtendedS3DestinationConfiguration;
    expect(config.ProcessingConfiguration.Processors.map((p: { Type: string }) => p.Type)).toEqual([
      'MetadataExtraction',
    ]);
  });

  test('its role can write only under ctr/, the backup and the error prefixes, and cannot delete', () => {
    const roleId = logicalId(template, 'AWS::IAM::Role', 'DeliveryRole');
    expect(resources(template)[ids.delivery].Properties.ExtendedS3DestinationConfiguration.RoleARN).toEqual(
      arn(roleId),
    );
    const statements = roleStatements(template, roleId);
    const actions = statements.flatMap((s) => s.Action);
    expect(actions.some((a) => /Delete|\*/.test(a))).toBe(false);
    const put = statements.find((s) => s.Action.includes('s3:PutObject'))!;
    expect(put.Resource).toEqual(
      ['ctr/*', 'firehose-errors/*', 'backup/*', 'backup-errors/*'].map((p) => objects(bucketIds.data, p)),
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'firehose.amazonaws.com' },
            Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });
});

describe('S3 buckets', () => {
  test('every bucket blocks public access, is encrypted, disables ACLs and is retained', () => {
    const buckets = Object.values(resources(template)).filter((r) => r.Type === 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(5);
    for (const b of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(
        b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
      ).toBe('AES256');
      expect(b.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
      expect(b.Properties.BucketName).toBeUndefined();
      expect(b.DeletionPolicy).toBe('Retain');
    }
  });

  test('every bucket policy denies requests without TLS (and below TLS 1.2)', () => {
    for (const bucketId of Object.values(bucketIds)) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  test('data, quarantine, failed-batch and results buckets log access to the access-log bucket', () => {
    for (const key of ['data', 'quarantine', 'failed', 'results'] as const) {
      expect(resources(template)[bucketIds[key]].Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: bucketIds.logs },
        LogFilePrefix: expect.any(String),
      });
    }
  });

  test('lifecycle: results expire, old CTRs move to Standard-IA, access logs expire', () => {
    const rules = (key: keyof typeof bucketIds) =>
      resources(template)[bucketIds[key]].Properties.LifecycleConfiguration.Rules;
    expect(rules('results')).toContainEqual(
      expect.objectContaining({ Prefix: ATHENA_RESULTS_PREFIX, ExpirationInDays: 7, Status: 'Enabled' }),
    );
    expect(rules('data')).toContainEqual(
      expect.objectContaining({
        Prefix: DELIVERY_LAYOUT.dataRoot,
        Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }],
      }),
    );
    expect(rules('logs')).toContainEqual(expect.objectContaining({ ExpirationInDays: 365 }));
  });

  test('the failed-batch bucket publishes request metrics for its growth alarm', () => {
    expect(resources(template)[bucketIds.failed].Properties.MetricsConfigurations).toEqual([
      { Id: FAILED_BATCHES_METRICS_FILTER },
    ]);
  });
});

describe('Glue table and Athena workgroup', () => {
  test('table over ctr/ with date partition projection on dt (no crawler)', () => {
    const dataLocation = { 'Fn::Join': ['', ['s3://', { Ref: bucketIds.data }, `/${DELIVERY_LAYOUT.dataRoot}`]] };
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'teststack_ctr',
      TableInput: {
        Name: CTR_TABLE_NAME,
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: DELIVERY_LAYOUT.partitionColumn, Type: 'string' }],
        Parameters: {
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2017-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': {
            'Fn::Join': ['', ['s3://', { Ref: bucketIds.data }, `/${DELIVERY_LAYOUT.dataRoot}dt=\${dt}/`]],
          },
        },
        StorageDescriptor: {
          Location: dataLocation,
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });

  test('columns are the CTR top-level columns rendered from the shared schema', () => {
    const table = resources(template)[logicalId(template, 'AWS::Glue::Table', 'CatalogTable')];
    expect(table.Properties.TableInput.StorageDescriptor.Columns).toEqual(
      CTR_COLUMNS.map((c) => ({ Name: c.name.toLowerCase(), Type: toGlueType(c.type) })),
    );
  });

  test('workgroup enforces its result location and SSE-S3 encryption', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'TestStack-ctr',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bucketIds.results }, `/${ATHENA_RESULTS_PREFIX}`]] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
    });
  });
});

describe('monitoring', () => {
  const alarm = (props: Record<string, unknown>) => template.hasResourceProperties('AWS::CloudWatch::Alarm', props);

  test('six alarms: iterator age, Lambda errors, failed batches, quarantine, Firehose freshness, Parquet conversion failures', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    alarm({
      MetricName: 'FailedConversion.Records',
      Namespace: 'AWS/Firehose',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: ids.delivery } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    alarm({ MetricName: 'IteratorAge', Namespace: 'AWS/Lambda', Threshold: 300000, Statistic: 'Maximum' });
    alarm({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.dedupFn } }],
    });
    alarm({
      MetricName: 'PutRequests',
      Namespace: 'AWS/S3',
      Dimensions: Match.arrayWith([{ Name: 'FilterId', Value: FAILED_BATCHES_METRICS_FILTER }]),
    });
    alarm({
      MetricName: DEDUP_METRICS.quarantined,
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: DEDUP_SERVICE_NAME }],
    });
    alarm({ MetricName: 'DeliveryToS3.DataFreshness', Namespace: 'AWS/Firehose', Threshold: 900 });
  });

  test('without an email or topic, no topic is created and alarms have no actions', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const r of Object.values(resources(template)).filter((x) => x.Type === 'AWS::CloudWatch::Alarm')) {
      expect(r.Properties.AlarmActions).toBeUndefined();
    }
  });

  test('dashboard shows the dedup counters, Lambda, DynamoDB and Firehose metrics', () => {
    const dashboard = Object.values(resources(template)).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
    expect(dashboard.Properties.DashboardName).toBeUndefined();
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const name of [
      ...Object.values(DEDUP_METRICS),
      'IteratorAge',
      'Errors',
      'Duration',
      'ThrottledRequests',
      'DeliveryToS3.Success',
      'DeliveryToS3.DataFreshness',
    ]) {
      expect(body).toContain(name);
    }
  });
});

describe('log groups and outputs', () => {
  test('every log group has a retention and is retained', () => {
    const groups = Object.values(resources(template)).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.DeletionPolicy).toBe('Retain');
    }
  });

  test('outputs the names the README walkthrough uses', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.StreamName.Value).toEqual({ Ref: ids.stream });
    expect(outputs.EmulatorFunctionName.Value).toEqual({ Ref: ids.emulatorFn });
    expect(outputs.DataBucketName.Value).toEqual({ Ref: bucketIds.data });
    expect(outputs.GlueDatabaseName.Value).toBe('teststack_ctr');
    expect(outputs.GlueTableName.Value).toBe(CTR_TABLE_NAME);
    expect(outputs.AthenaWorkGroupName.Value).toBe('TestStack-ctr');
    expect(outputs.DashboardName.Value).toEqual({
      Ref: logicalId(template, 'AWS::CloudWatch::Dashboard', 'Monitoring'),
    });
    expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain('#dashboards:name=');
  });

  test('no Connect storage config without an instance ARN', () => {
    template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 0);
  });
});
