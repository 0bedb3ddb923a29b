import { type App, type Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { CallCenterAnalyticsStack, type CallCenterAnalyticsStackProps } from '../../lib/call-center-analytics-stack';
import { testApp } from '../setup/temp-dirs';
import { synthStack } from './synth';

const FULL: CallCenterAnalyticsStackProps = {
  connectInstanceArn: 'arn:aws:connect:eu-west-1:123456789012:instance/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  alarmEmail: 'ops@example.com',
  shardCount: 2,
  destroyOnRemoval: true,
};

/** Findings of one pack, as `rule @ construct path`, for readable failures. */
function findings(pack: NagPack, stack: Stack): string[] {
  const report = pack.validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

describe.each([
  ['default', {}],
  ['every option', FULL],
])('cdk-nag on the %s stack', (_name, props) => {
  let stack: CallCenterAnalyticsStack;
  let app: App;
  beforeAll(() => {
    ({ stack, app } = synthStack(props as CallCenterAnalyticsStackProps));
  });

  test('AwsSolutions: zero unacknowledged findings', () => {
    expect(findings(new AwsSolutionsChecks(app), stack)).toEqual([]);
  });

  test('Serverless: zero unacknowledged findings', () => {
    expect(findings(new ServerlessChecks(app), stack)).toEqual([]);
  });

  test('every acknowledgement names one rule and finding and carries a specific reason', () => {
    const acks: Array<[string, string]> = [];
    for (const c of stack.node.findAll()) {
      for (const m of c.node.metadata.filter((x) => x.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        acks.push(...(Object.entries(m.data as Record<string, string>) as Array<[string, string]>));
      }
    }
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).not.toMatch(/^AwsSolutions::AwsSolutions-IAM5$/); // never a wildcard rule wholesale
      expect(reason.length).toBeGreaterThan(60);
    }
    // Reasons are written per finding, not pasted.
    const reasons = acks.map(([, r]) => r);
    expect(new Set(reasons).size).toBeGreaterThanOrEqual(reasons.length - 1); // the two X-Ray roles share one
  });
});

describe('the packs are live on this stack (validation on)', () => {
  test('synth with both packs registered succeeds, and fails once an unacknowledged finding is added', () => {
    delete process.env.CDK_VALIDATION;
    const build = (withFinding: boolean) => {
      const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new CallCenterAnalyticsStack(app, 'NagLive', {});
      // An unencrypted, non-TLS queue without a DLQ: AwsSolutions-SQS2/3/4.
      if (withFinding) new sqs.Queue(stack, 'Unreviewed', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
      return () => app.synth();
    };
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(build(false)).not.toThrow();
      expect(build(true)).toThrow(/AwsSolutions-SQS3/);
    } finally {
      log.mockRestore();
      process.env.CDK_VALIDATION = 'false';
    }
  });
});
