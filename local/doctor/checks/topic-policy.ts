import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import type { CheckResult, DoctorContext } from '../types';

interface Statement {
  readonly Effect?: string;
  readonly Principal?: { Service?: string | string[] } | string;
  readonly Action?: string | string[];
}

const publishes = (action: string) => /^(sns:publish|sns:\*|\*)$/i.test(action);

/** True when a statement of `policy` allows cloudwatch.amazonaws.com to publish. */
export function allowsCloudWatchPublish(policy: { Statement?: Statement | Statement[] }): boolean {
  return [policy.Statement ?? []].flat().some((s) => {
    const services = typeof s.Principal === 'object' ? [s.Principal.Service ?? []].flat() : [];
    return (
      s.Effect === 'Allow' && services.includes('cloudwatch.amazonaws.com') && [s.Action ?? []].flat().some(publishes)
    );
  });
}

/** The alarm topic's policy lets CloudWatch publish (a topic policy replaces the default one that did). */
export async function topicPolicyCheck(ctx: DoctorContext): Promise<CheckResult> {
  const topicArn = ctx.outputs.AlarmTopicArn;
  const title = 'Alarm topic lets CloudWatch publish';
  if (!topicArn) {
    return {
      id: 'topic-policy',
      title,
      status: 'skip',
      detail: 'the stack has no alarm topic, so alarms notify nobody',
      next: 'Deploy with -c alarmEmail=you@example.com (or -c alarmTopicArn=ARN) to be told when an alarm fires.',
    };
  }
  const { Attributes = {} } = await ctx.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  const policy = Attributes.Policy ? (JSON.parse(Attributes.Policy) as { Statement?: Statement[] }) : {};
  if (allowsCloudWatchPublish(policy))
    return {
      id: 'topic-policy',
      title,
      status: 'pass',
      detail: `${topicArn} allows cloudwatch.amazonaws.com sns:Publish`,
    };
  return {
    id: 'topic-policy',
    title,
    status: 'fail',
    detail: `the policy of ${topicArn} has no statement allowing cloudwatch.amazonaws.com sns:Publish: every alarm action fails`,
    next: 'Deploy this version of the stack ("npm run cdk -- deploy"), which adds that statement; for your own topic, add it to the topic policy.',
  };
}
