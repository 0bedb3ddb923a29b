import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DEDUP_SERVICE_NAME, METRICS_NAMESPACE } from '../../lambda-dedup/src/constants';
import { DoctorError, setupProblem } from '../doctor/errors';
import { formatReport } from '../doctor/format';
import { type DoctorReport, runDoctor } from '../doctor/run';
import type { DoctorClients } from '../doctor/types';

export const DOCTOR_HELP = `Usage: ctr doctor [--stack NAME] [--region R] [--json] [--test-alarm] [--wait SECONDS]

Proves a deployed stack works end to end, in your AWS account (credentials and Region from the environment,
as for the AWS CLI). Run it once after "cdk deploy":
  - reads the stack's outputs;
  - invokes the emulator function with 3 synthetic CTRs (fresh ContactIds starting with "ctr-doctor-", which
    every view and named query leaves out, and the run id in the contact attribute "ctrDoctorProbe"), an exact
    copy of each, and one malformed record;
  - waits for them in S3 (Firehose buffers up to its interval, 60 s by default), and checks that each contact
    arrived once (the copies were dropped) and the malformed record was quarantined;
  - runs ctr_typed, ctr_latest and every named query on Athena in the stack's workgroup (scans are capped by the
    workgroup's per-query limit), with Athena's own error text on failure;
  - checks that the dedup metrics reached CloudWatch and that the alarm topic lets CloudWatch publish.
Prints a checklist: each line PASS, FAIL (with what to do next) or SKIP (does not apply). Exit code 0 when no
check failed, 1 when one did, 2 when the doctor could not start (credentials, Region, stack).

Options:
  -s, --stack NAME     Stack name. Default: CallCenterAnalytics.
  -r, --region R       AWS Region of the stack. Default: from the environment (AWS_REGION, profile).
      --json           Print one JSON object (ok, stack, runId, checks) on stdout; progress goes to stderr.
      --test-alarm     Also set one of the stack's alarms to ALARM (SetAlarmState) and check that CloudWatch
                       published to the topic: subscribers get an ALARM, then an OK notification.
      --wait SECONDS   How long to wait for delivery and for metrics, each. Default: 300.
  -h, --help           Show this help.
`;

/** Clients for the real account, in `region` (or the environment's). */
export function awsDoctorClients(region: string | undefined): DoctorClients {
  const config = region ? { region } : {};
  const lambda = new LambdaClient(config);
  return {
    cloudformation: new CloudFormationClient(config),
    s3: new S3Client(config),
    athena: new AthenaClient(config),
    cloudwatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    invokeEmulator: async (functionName, payload) => {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }),
      );
      const body = out.Payload ? Buffer.from(out.Payload).toString('utf8') : 'null';
      if (out.FunctionError)
        throw new Error(`the function failed: ${(JSON.parse(body) as { errorMessage?: string }).errorMessage ?? body}`);
      return JSON.parse(body);
    },
  };
}

/** `ctr doctor ARGS`; resolves to the exit code. `clients` is for tests. */
export async function doctorCommand(
  argv: readonly string[],
  clients?: (region: string | undefined) => DoctorClients,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stack: { type: 'string', short: 's', default: 'CallCenterAnalytics' },
      region: { type: 'string', short: 'r' },
      json: { type: 'boolean', default: false },
      'test-alarm': { type: 'boolean', default: false },
      wait: { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(DOCTOR_HELP);
    return 0;
  }
  const waitSeconds = Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    process.stderr.write('ctr doctor: --wait must be a number of seconds (0 or more).\n');
    return 2;
  }
  let report: DoctorReport;
  try {
    report = await runDoctor({
      stackName: values.stack,
      clients: (clients ?? awsDoctorClients)(values.region),
      metrics: { namespace: METRICS_NAMESPACE, service: DEDUP_SERVICE_NAME },
      testAlarm: values['test-alarm'],
      timing: { deliveryTimeoutMs: waitSeconds * 1000, metricsTimeoutMs: waitSeconds * 1000 },
      progress: (message) => process.stderr.write(`ctr doctor: ${message}\n`),
    });
  } catch (err) {
    const problem = err instanceof DoctorError ? err : setupProblem(err);
    if (!problem) throw err;
    process.stderr.write(`ctr doctor: ${problem.message}\n`);
    if (values.json)
      process.stdout.write(`${JSON.stringify({ ok: false, stack: values.stack, error: problem.message })}\n`);
    return 2;
  }
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return report.ok ? 0 : 1;
}
