import { paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmHistoryCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { CheckResult, DoctorContext } from '../types';

/**
 * `--test-alarm`: sets one of the stack's alarms to ALARM (SetAlarmState) and waits for its history to show the
 * SNS action's outcome, which proves CloudWatch can publish to the topic. The alarm returns to its real state at
 * its next evaluation, so subscribers get an ALARM and then an OK notification.
 */
export async function testAlarmCheck(ctx: DoctorContext): Promise<CheckResult> {
  const title = 'Test alarm notification delivered to the topic';
  if (!ctx.outputs.AlarmTopicArn) {
    return {
      id: 'test-alarm',
      title,
      status: 'skip',
      detail: 'the stack has no alarm topic',
      next: 'Deploy with -c alarmEmail=you@example.com first.',
    };
  }
  const alarms: string[] = [];
  for await (const page of paginateListStackResources(
    { client: ctx.clients.cloudformation },
    { StackName: ctx.stackName },
  )) {
    for (const r of page.StackResourceSummaries ?? [])
      if (r.ResourceType === 'AWS::CloudWatch::Alarm' && r.PhysicalResourceId) alarms.push(r.PhysicalResourceId);
  }
  const alarmName = alarms.find((a) => /Quarantine/i.test(a)) ?? alarms[0];
  if (!alarmName)
    return {
      id: 'test-alarm',
      title,
      status: 'fail',
      detail: 'the stack has no alarms',
      next: 'Deploy this version of the stack.',
    };
  const setAt = new Date(ctx.timing.now() - 1000);
  await ctx.clients.cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: alarmName,
      StateValue: 'ALARM',
      StateReason: `ctr doctor --test-alarm (run ${ctx.probes.runId})`,
    }),
  );
  const started = ctx.timing.now();
  for (;;) {
    const { AlarmHistoryItems = [] } = await ctx.clients.cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: alarmName,
        HistoryItemType: 'Action',
        StartDate: setAt,
        ScanBy: 'TimestampDescending',
      }),
    );
    const outcome = AlarmHistoryItems.find((h) => /executed action|execute action/i.test(h.HistorySummary ?? ''));
    if (outcome && /^Successfully/i.test(outcome.HistorySummary ?? '')) {
      return {
        id: 'test-alarm',
        title,
        status: 'pass',
        detail: `${alarmName}: ${outcome.HistorySummary}; check your inbox`,
      };
    }
    if (outcome) {
      return {
        id: 'test-alarm',
        title,
        status: 'fail',
        detail: `${alarmName}: ${outcome.HistorySummary}`,
        next: 'Fix the topic policy (and its KMS key policy) so that cloudwatch.amazonaws.com may publish, e.g. by deploying this version.',
      };
    }
    if (ctx.timing.now() - started >= ctx.timing.metricsTimeoutMs) {
      return {
        id: 'test-alarm',
        title,
        status: 'fail',
        detail: `${alarmName}: no action in its history after SetAlarmState`,
        next: 'Check that the alarm has the topic as its alarm action.',
      };
    }
    ctx.progress(`waiting for ${alarmName}'s action history`);
    await ctx.timing.sleep(ctx.timing.pollIntervalMs);
  }
}
