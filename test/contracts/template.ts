import type { Template } from 'aws-cdk-lib/assertions';
import type { CallCenterAnalyticsStackProps } from '../../lib/call-center-analytics-stack';
import { resources, synthStack } from '../stack/synth';

/** Every optional part switched on: the Connect hookup and an alarm topic created by the stack. */
export const FULL_PROPS: CallCenterAnalyticsStackProps = {
  connectInstanceArn: 'arn:aws:connect:eu-west-1:123456789012:instance/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  alarmEmail: 'ops@example.com',
};

/** The pseudo parameters a deploy would resolve, for evaluating intrinsics in tests. */
export const PSEUDO = {
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The full stack's template (synthesized once per test file). */
export function fullTemplate(): { template: Template; all: ReturnType<typeof resources> } {
  const { template } = synthStack(FULL_PROPS);
  return { template, all: resources(template) };
}

/**
 * Evaluates the intrinsics CloudFormation would (Ref, Fn::GetAtt, Fn::Join, Fn::Base64, Fn::Select), with
 * pseudo parameters from {@link PSEUDO} and `{ref:Id}` / `{Id.Attr}` standing for resource references.
 */
export function evaluate(value: unknown): any {
  if (Array.isArray(value)) return value.map(evaluate);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, any];
    if (key === 'Ref') return PSEUDO[arg as keyof typeof PSEUDO] ?? `{ref:${arg}}`;
    if (key === 'Fn::GetAtt') return `{${[arg].flat().join('.')}}`;
    if (key === 'Fn::Join') return (evaluate(arg[1]) as unknown[]).join(arg[0]);
    if (key === 'Fn::Base64') return Buffer.from(String(evaluate(arg)), 'utf8').toString('base64');
    if (key === 'Fn::Select') return evaluate(arg[1])[Number(arg[0])];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, evaluate(v)]));
}

/** Resources of one type, with their logical ids. */
export function ofType(all: ReturnType<typeof resources>, type: string): Array<[string, any]> {
  return Object.entries(all).filter(([, r]) => r.Type === type);
}
