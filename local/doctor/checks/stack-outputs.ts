import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DoctorSetupError, setupProblem } from '../errors';
import type { CheckResult, StackOutputs } from '../types';

/** Outputs every version of the stack that `ctr doctor` supports has. */
export const REQUIRED_OUTPUTS = [
  'EmulatorFunctionName',
  'DedupFunctionName',
  'DataBucketName',
  'QuarantineBucketName',
  'GlueDatabaseName',
  'AthenaWorkGroupName',
] as const;

const USABLE = /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|IMPORT_COMPLETE)$/;

/**
 * Reads the stack's outputs (DescribeStacks). Throws {@link DoctorSetupError} when the doctor cannot go on: no
 * such stack, a stack not in a usable state, or one deployed by an older version of this app (an output missing).
 */
export async function readStackOutputs(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<{ outputs: StackOutputs; result: CheckResult }> {
  let stack: Stack | undefined;
  try {
    stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (err) {
    const setup = setupProblem(err);
    if (setup) throw setup;
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) {
      throw new DoctorSetupError(
        `Stack "${stackName}" does not exist in this account and Region: deploy it with "npm run cdk -- deploy", or pass --stack NAME and --region REGION of the stack you deployed.`,
      );
    }
    throw new DoctorSetupError(
      `Could not read stack "${stackName}" (${(err as Error).message}): check your permissions (cloudformation:DescribeStacks) and run "ctr doctor" again.`,
    );
  }
  if (!stack)
    throw new DoctorSetupError(`Stack "${stackName}" was not found: pass --stack NAME of the stack you deployed.`);
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (!USABLE.test(status)) {
    throw new DoctorSetupError(
      `Stack "${stackName}" is in state ${status}: wait for it to finish, or fix and redeploy it ("npm run cdk -- deploy"), then run "ctr doctor" again.`,
    );
  }
  const values = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const missing = REQUIRED_OUTPUTS.filter((k) => !values[k]);
  if (missing.length > 0) {
    throw new DoctorSetupError(
      `Stack "${stackName}" was deployed by an older version of this app (no ${missing.join(', ')} output): deploy this version ("npm run cdk -- deploy") and run "ctr doctor" again.`,
    );
  }
  const outputs = values as unknown as StackOutputs;
  return {
    outputs,
    result: {
      id: 'stack',
      title: `Stack ${stackName} outputs`,
      status: 'pass',
      detail: `${status}; ${Object.keys(values).length} outputs`,
    },
  };
}
