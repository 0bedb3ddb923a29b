import { evaluate, fullTemplate, ofType, PSEUDO } from './template';

// Every AWS service that must reach a resource of the stack is allowed, and nothing more. Pages encoded:
// - Amazon Data Firehose, "Grant Firehose access to an Amazon S3 destination"
//   (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3): the role trusts
//   firehose.amazonaws.com with sts:ExternalId = the account; S3 actions AbortMultipartUpload, GetBucketLocation,
//   GetObject, ListBucket, ListBucketMultipartUploads, PutObject; kms:GenerateDataKey/Decrypt only when the bucket
//   uses SSE-KMS (here SSE-S3, so none), logs:PutLogEvents for error logging.
// - AWS Lambda, "Retaining records of discarded batches for a Kinesis event source"
//   (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html): an S3 on-failure
//   destination needs s3:PutObject and s3:ListBucket in the function's execution role (plus KMS permissions
//   only for a KMS-encrypted bucket).
// - Amazon SNS access control (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html) for
//   CloudWatch to the alarm topic: see alarm-topic-policy.test.ts.
// - Amazon Connect data streaming (https://docs.aws.amazon.com/connect/latest/adminguide/data-streaming.html):
//   Connect writes with its service-linked role, no resource policy; see connect-precondition.test.ts.
// - Amazon S3, "Enabling Amazon S3 server access logging"
//   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html): the log bucket
//   policy allows logging.s3.amazonaws.com s3:PutObject with aws:SourceArn and aws:SourceAccount.

const { all } = fullTemplate();
const idOf = (type: string, prefix: string) => ofType(all, type).find(([id]) => id.startsWith(prefix))![0];
const statementsOf = (policyDocument: unknown) =>
  (evaluate((policyDocument as { Statement: unknown[] }).Statement) as any[]).map((s) => ({
    ...s,
    Action: [s.Action].flat(),
    Resource: [s.Resource].flat(),
  }));
const rolePolicies = (roleId: string) =>
  ofType(all, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => statementsOf(p.Properties.PolicyDocument));

/** Every service principal named anywhere (trust policies, bucket, topic and key policies), with where. */
function servicePrincipals(): string[] {
  const found: string[] = [];
  const visit = (where: string, value: unknown) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(where, v);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'Principal' && v && typeof v === 'object' && 'Service' in v) {
          for (const service of [(v as { Service: unknown }).Service].flat()) found.push(`${service} -> ${where}`);
        } else visit(where, v);
      }
    }
  };
  for (const [id, r] of Object.entries(all)) visit(`${r.Type} ${id.replace(/[0-9A-F]{8}$/, '')}`, r.Properties);
  return [...new Set(found)].sort();
}

describe('service principals: exactly the ones the pipeline needs', () => {
  test('no service beyond these reaches a resource of the stack', () => {
    expect(servicePrincipals()).toEqual(
      [
        'cloudwatch.amazonaws.com -> AWS::KMS::Key MonitoringAlarmTopicKey',
        'cloudwatch.amazonaws.com -> AWS::SNS::TopicPolicy MonitoringAlarmTopicPolicy',
        'firehose.amazonaws.com -> AWS::IAM::Role DeliveryRole',
        'lambda.amazonaws.com -> AWS::IAM::Role DedupRole',
        'lambda.amazonaws.com -> AWS::IAM::Role EmulatorRole',
        'logging.s3.amazonaws.com -> AWS::S3::BucketPolicy AccessLogsBucketPolicy',
      ].sort(),
    );
  });
});

describe('Firehose to S3 (and KMS)', () => {
  const roleId = idOf('AWS::IAM::Role', 'DeliveryRole');
  const bucket = `{${idOf('AWS::S3::Bucket', 'DataBucket')}.Arn}`;
  test('the role trusts firehose.amazonaws.com for this account only (sts:ExternalId)', () => {
    expect(statementsOf(all[roleId].Properties.AssumeRolePolicyDocument)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'firehose.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'sts:ExternalId': PSEUDO['AWS::AccountId'] } },
      }),
    ]);
  });

  test("the role holds the documented S3 actions on the data bucket's four prefixes, logs, Glue schema reads, and no KMS", () => {
    const statements = rolePolicies(roleId);
    const actions = statements.flatMap((s) => s.Action).sort();
    expect(actions).toEqual(
      [
        'glue:GetTable',
        'glue:GetTableVersion',
        'glue:GetTableVersions',
        'logs:PutLogEvents',
        's3:AbortMultipartUpload',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:PutObject',
      ].sort(),
    );
    const s3Resources = statements
      .filter((s) => s.Action.some((a: string) => a.startsWith('s3:')))
      .flatMap((s) => s.Resource);
    expect(new Set(s3Resources)).toEqual(
      new Set([bucket, ...['ctr/*', 'firehose-errors/*', 'backup/*', 'backup-errors/*'].map((p) => `${bucket}/${p}`)]),
    );
  });

  test('no KMS needed: the bucket is SSE-S3 and the delivery stream uses an AWS owned key', () => {
    const dataBucket = all[idOf('AWS::S3::Bucket', 'DataBucket')];
    expect(
      dataBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    const [[, stream]] = ofType(all, 'AWS::KinesisFirehose::DeliveryStream');
    expect(stream.Properties.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    expect(evaluate(stream.Properties.ExtendedS3DestinationConfiguration.RoleARN)).toBe(`{${roleId}.Arn}`);
  });
});

describe('event source mapping to the failure bucket', () => {
  const bucketId = idOf('AWS::S3::Bucket', 'FailedBatchesBucket');
  const bucket = `{${bucketId}.Arn}`;
  test('the mapping sends failed batches to the bucket', () => {
    const [[, mapping]] = ofType(all, 'AWS::Lambda::EventSourceMapping');
    expect(evaluate(mapping.Properties.DestinationConfig)).toEqual({ OnFailure: { Destination: bucket } });
  });

  test("the function's role has exactly s3:ListBucket on the bucket and s3:PutObject on its objects", () => {
    const onBucket = rolePolicies(idOf('AWS::IAM::Role', 'DedupRole')).filter((s) =>
      s.Resource.some((r: string) => r.startsWith(bucket)),
    );
    expect(onBucket.map((s) => [s.Action, s.Resource]).sort()).toEqual(
      [
        [['s3:ListBucket'], [bucket]],
        [['s3:PutObject'], [`${bucket}/*`]],
      ].sort(),
    );
    expect(
      all[bucketId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
  });
});

describe('bucket policies', () => {
  test('every bucket refuses plain HTTP; only the access-log bucket allows anything, to S3 logging of this account', () => {
    for (const [id, policy] of ofType(all, 'AWS::S3::BucketPolicy')) {
      const statements = statementsOf(policy.Properties.PolicyDocument);
      expect(
        statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
      ).toBe(true);
      const allows = statements.filter((s) => s.Effect === 'Allow');
      if (!id.startsWith('AccessLogs')) {
        expect(allows).toEqual([]);
        continue;
      }
      expect(allows.length).toBeGreaterThan(0);
      for (const s of allows) {
        expect(s.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
        expect(s.Action).toEqual(['s3:PutObject']);
        expect(s.Condition.StringEquals).toEqual({ 'aws:SourceAccount': PSEUDO['AWS::AccountId'] });
        expect(s.Condition.ArnLike['aws:SourceArn']).toMatch(/^\{[A-Za-z]+Bucket[0-9A-F]{8}\.Arn\}$/);
      }
    }
  });
});
