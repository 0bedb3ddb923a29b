import { evaluate, fullTemplate, ofType, PSEUDO } from './template';

// Contract of the alarm topic with CloudWatch.
// - Amazon SNS, "Example cases for Amazon SNS access control"
//   (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html): a topic policy replaces the
//   topic's default policy, so the service that publishes (here cloudwatch.amazonaws.com) must be allowed
//   sns:Publish, with aws:SourceAccount / aws:SourceArn against the confused-deputy problem.
// - Amazon CloudWatch, "Using Amazon CloudWatch alarms"
//   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html): an alarm action
//   that cannot publish leaves "not authorized to perform SNS:Publish" in the alarm history.
// - Amazon SNS, "Key management" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html): a topic
//   under a customer managed key needs the publishing service allowed kms:Decrypt and kms:GenerateDataKey*.

const { all } = fullTemplate();
const [[topicId]] = ofType(all, 'AWS::SNS::Topic');
const policies = ofType(all, 'AWS::SNS::TopicPolicy').filter(([, r]) =>
  r.Properties.Topics.some((t: any) => t.Ref === topicId),
);
const statements = policies.flatMap(([, r]) => evaluate(r.Properties.PolicyDocument.Statement) as any[]);
const alarmArns = ofType(all, 'AWS::CloudWatch::Alarm').map(([id]) => `{${id}.Arn}`);

describe('the alarm topic lets these alarms publish, and nothing else', () => {
  test('one topic policy on the topic', () => {
    expect(policies).toHaveLength(1);
  });

  test('cloudwatch.amazonaws.com may sns:Publish, only for this account and only for these alarms', () => {
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect([allow.Action].flat()).toEqual(['sns:Publish']);
    expect(allow.Resource).toBe(`{ref:${topicId}}`);
    expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceAccount': PSEUDO['AWS::AccountId'] });
    expect([allow.Condition.ArnEquals['aws:SourceArn']].flat().sort()).toEqual(alarmArns.sort());
    expect(alarmArns).toHaveLength(6);
  });

  test('every alarm notifies the topic', () => {
    for (const [, alarm] of ofType(all, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  test('the TLS-only deny stays', () => {
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies).toHaveLength(1);
    expect(denies[0]).toMatchObject({ Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test("the topic's key lets CloudWatch encrypt for it, only for this account", () => {
    const keyId = all[topicId].Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const keyStatements = evaluate(all[keyId].Properties.KeyPolicy.Statement) as any[];
    const forCloudWatch = keyStatements.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'));
    expect(forCloudWatch).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': PSEUDO['AWS::AccountId'] } },
      }),
    ]);
  });
});
