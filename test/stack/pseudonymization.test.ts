import { Match, type Template } from 'aws-cdk-lib/assertions';
import { DEDUP_ENV } from '../../lambda-dedup/src/constants';
import { stackPropsFromContext } from '../../lib/stack-context';
import { testApp } from '../setup/temp-dirs';
import { logicalId, resources, synthStack } from './synth';

const statementsOf = (template: Template) =>
  Object.entries(resources(template))
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
    .flatMap(([, r]) =>
      (r.Properties.PolicyDocument.Statement as any[]).map((s) => ({
        roles: r.Properties.Roles,
        ...s,
        Action: [s.Action].flat().sort(),
      })),
    );

describe('pseudonymization key (default: on)', () => {
  const { template } = synthStack();
  const secretId = logicalId(template, 'AWS::SecretsManager::Secret', 'PseudonymizationKey');
  const dedupFn = logicalId(template, 'AWS::Lambda::Function', 'DedupFunction');
  const dedupRole = resources(template)[dedupFn].Properties.Role['Fn::GetAtt'][0];

  test('is a generated 64-character secret, retained with the stack', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
        KmsKeyId: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the dedup function gets the secret ARN, never its value, and pseudonymizes', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [dedupRole, 'Arn'] },
      Environment: {
        Variables: Match.objectLike({
          [DEDUP_ENV.pseudonymize]: 'on',
          [DEDUP_ENV.pseudonymizationSecretId]: { Ref: secretId },
        }),
      },
    });
  });

  test('only the dedup function can read it', () => {
    const readers = statementsOf(template).filter((s) => s.Action.some((a: string) => a.startsWith('secretsmanager:')));
    expect(readers).toHaveLength(1);
    expect(readers[0]).toMatchObject({
      Effect: 'Allow',
      roles: [{ Ref: dedupRole }],
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: { Ref: secretId },
    });
    template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });

  test('quarantined records are unreadable by any principal until readers are named', () => {
    const quarantineBucket = logicalId(template, 'AWS::S3::Bucket', 'QuarantineBucket');
    const policy = Object.values(resources(template)).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === quarantineBucket,
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'QuarantineReadersOnly',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [quarantineBucket, 'Arn'] }, '/quarantine/*']] },
    });
  });
});

describe('context switches', () => {
  const fromContext = (context: Record<string, unknown>) => stackPropsFromContext(testApp({ context }).node);

  test('pseudonymize=false: no secret, the function delivers numbers as received', () => {
    const { template } = synthStack(fromContext({ pseudonymize: 'false' }));
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [DEDUP_ENV.pseudonymize]: 'off',
          [DEDUP_ENV.pseudonymizationSecretId]: Match.absent(),
        }),
      },
    });
  });

  test('more paths and quarantine readers by context', () => {
    const reader = 'arn:aws:iam::123456789012:role/DataSteward';
    const props = fromContext({
      pseudonymizedPaths: 'Attributes.CallbackNumber, Attributes.Mobile',
      quarantineReaders: reader,
    });
    const { template } = synthStack(props);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [DEDUP_ENV.pseudonymizedPaths]: 'Attributes.CallbackNumber,Attributes.Mobile' }),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'QuarantineReadersOnly',
            Condition: { ArnNotLike: { 'aws:PrincipalArn': [reader] } },
          }),
        ]),
      },
    });
  });
});
